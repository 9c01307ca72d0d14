"""Settings that are each valid but wrong together are refused at start-up, with words (issue 14)."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from kith.core.checks import settings_agree


@pytest.mark.parametrize(
    ("changes", "ids"),
    [
        ({}, []),
        ({"KITH_BASE_URL": "https://kith.example.org"}, ["kith.E001"]),
        ({"KITH_BASE_URL": "https://kith.example.org", "ALLOWED_HOSTS": ["kith.example.org"]}, []),
        ({"KITH_BASE_URL": "https://kith.example.org", "ALLOWED_HOSTS": [".example.org"]}, []),
        ({"KITH_BEHIND_PROXY": True, "KITH_CLIENT_IP_HEADER": ""}, ["kith.E002"]),
        ({"KITH_BEHIND_PROXY": True, "KITH_CLIENT_IP_HEADER": "X-Forwarded-For"}, []),
    ],
)
def test_settings_that_disagree_are_named(changes, ids):
    with override_settings(**changes):
        assert [e.id for e in settings_agree()] == ids


def test_the_check_command_refuses_them():
    with override_settings(KITH_BASE_URL="https://kith.example.org"), pytest.raises(SystemCheckError) as refused:
        call_command("check", fail_level="ERROR")
    assert "KITH_ALLOWED_HOSTS does not allow" in str(refused.value)
