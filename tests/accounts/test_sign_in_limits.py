"""Sign-in limits: slow guessing, never let one account or one address lock others out."""

import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from kith.core.models import AuditEvent
from tests.personas import PASSWORD, build_world, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _password_only(client, user, *, address="10.1.1.1"):
    """Signed in with the password only, at the code step."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "Test app"})
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Test codes")
    device.token_set.create(token="rightcode")
    response = client.post("/accounts/sign-in/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR=address)
    assert response.status_code == 302
    return client


def test_wrong_codes_on_one_account_never_stop_another_account_signing_in(world):
    attacker = _password_only(Client(), world.organisation_editor, address="10.9.9.9")
    for _ in range(12):
        attacker.post("/accounts/sign-in/two-factor/", {"token": "000000"}, REMOTE_ADDR="10.9.9.9")
    assert (
        attacker.post("/accounts/sign-in/two-factor/", {"token": "000000"}, REMOTE_ADDR="10.9.9.9").status_code == 429
    )
    # Everyone else, including people at the attacker's address, signs in with their right code.
    for user, address in [(world.link_worker, "10.1.1.1"), (world.lead, "10.2.2.2"), (world.planner, "10.9.9.9")]:
        client = _password_only(Client(), user, address=address)
        response = client.post("/accounts/sign-in/two-factor/", {"token": "rightcode"}, REMOTE_ADDR=address)
        assert response.status_code == 302, (user.username, response.status_code)


def test_the_code_limit_keys_on_the_signed_in_account_not_a_form_field(world):
    client = _password_only(Client(), world.link_worker)
    for n in range(10):
        # A username field in the post changes nothing: the account is the one signed in.
        client.post("/accounts/sign-in/two-factor/", {"token": "000000", "username": f"someone-{n}"})
    response = client.post("/accounts/sign-in/two-factor/", {"token": "rightcode"})
    assert response.status_code == 429 and "Wait ten minutes" in response.content.decode()


def test_a_busy_morning_of_right_sign_ins_from_one_office_is_never_slowed(world):
    users = [get_user_model().objects.create_user(f"office-{n}", password=PASSWORD) for n in range(40)]
    for user in users:
        client = _password_only(Client(), user, address="192.0.2.10")
        response = client.post("/accounts/sign-in/two-factor/", {"token": "rightcode"}, REMOTE_ADDR="192.0.2.10")
        assert response.status_code == 302


@pytest.mark.parametrize("spelling", ["lw-north ", " lw-north", "\tlw-north\n"])
def test_spaces_around_the_name_count_as_the_same_account(world, spelling):
    client = Client()
    for _ in range(10):
        client.post("/accounts/sign-in/", {"username": "lw-north", "password": "wrong"})
    response = client.post("/accounts/sign-in/", {"username": spelling, "password": PASSWORD})
    assert response.status_code == 429


def test_guesses_from_one_address_do_not_lock_the_worker_out_from_theirs(world):
    attacker = Client()
    for _ in range(15):
        attacker.post("/accounts/sign-in/", {"username": "lw-north", "password": "wrong"}, REMOTE_ADDR="10.6.6.6")
    assert (
        attacker.post("/accounts/sign-in/", {"username": "lw-north", "password": PASSWORD}, REMOTE_ADDR="10.6.6.6")
    ).status_code == 429
    worker = Client()
    response = worker.post("/accounts/sign-in/", {"username": "lw-north", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 302


def test_guesses_from_many_addresses_hit_a_slow_ceiling_that_a_known_browser_passes(world):
    worker = Client()
    sign_in(worker, world.link_worker)  # this browser has signed in before
    worker.post("/accounts/sign-out/")
    for n in range(100):
        Client().post("/accounts/sign-in/", {"username": "lw-north", "password": "x"}, REMOTE_ADDR=f"10.7.{n}.1")
    stranger = Client().post(
        "/accounts/sign-in/", {"username": "lw-north", "password": PASSWORD}, REMOTE_ADDR="10.8.0.1"
    )
    assert stranger.status_code == 429 and "browser you have used" in stranger.content.decode()
    known = worker.post("/accounts/sign-in/", {"username": "lw-north", "password": PASSWORD}, REMOTE_ADDR="10.8.0.2")
    assert known.status_code == 302


def test_sign_ins_and_refusals_are_in_the_audit_trail(world):
    client = Client()
    client.post("/accounts/sign-in/", {"username": "lw-north", "password": "wrong"}, REMOTE_ADDR="10.3.3.3")
    refused = AuditEvent.objects.get(action="sign-in-failed")
    assert refused.username == "lw-north" and refused.detail["address"] == "10.3.3.3"
    assert "wrong" not in str(refused.detail.get("password", ""))
    sign_in(client, world.link_worker)
    steps = set(AuditEvent.objects.filter(action="sign-in", username="lw-north").values_list("what", flat=True))
    assert steps == {"password", "two-factor"}


@pytest.mark.parametrize(
    ("header", "hops", "remote", "expected"),
    [
        ("203.0.113.7", 1, "10.0.0.1", "203.0.113.7"),
        ("1.1.1.1, 203.0.113.7", 1, "10.0.0.1", "203.0.113.7"),  # the leftmost is the client's to invent
        ("1.1.1.1, 203.0.113.7, 10.0.0.5", 2, "10.0.0.1", "203.0.113.7"),
        ("203.0.113.7", 2, "10.0.0.1", "10.0.0.1"),  # fewer entries than our proxies: not through them
        ("not-an-address", 1, "10.0.0.1", "10.0.0.1"),
        ("", 1, "10.0.0.1", "10.0.0.1"),
        ("[2001:db8::1]:443", 1, "10.0.0.1", "2001:db8::1"),
        ("198.51.100.4:51234", 1, "10.0.0.1", "198.51.100.4"),
    ],
)
def test_the_client_address_is_counted_from_the_right_of_the_proxy_header(settings, rf, header, hops, remote, expected):
    from kith.core.client import client_ip

    settings.KITH_CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.KITH_TRUSTED_PROXY_HOPS = hops
    request = rf.get("/", HTTP_X_FORWARDED_FOR=header, REMOTE_ADDR=remote)
    assert client_ip(request) == expected


def test_behind_a_proxy_each_client_has_its_own_budget(world, settings):
    settings.KITH_CLIENT_IP_HEADER = "X-Forwarded-For"
    proxy = "127.0.0.1"
    for _ in range(30):
        Client().post(
            "/accounts/sign-in/", {"username": "nobody", "password": "x"}, REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )  # fmt: skip
    blocked = Client().post(
        "/accounts/sign-in/", {"username": "nobody", "password": "x"}, REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.66",
    )  # fmt: skip
    assert blocked.status_code == 429
    # Another client behind the same proxy, even one that writes the blocked address on the left, is not.
    other = Client().post(
        "/accounts/sign-in/", {"username": "lw-north", "password": PASSWORD}, REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.66, 198.51.100.77",
    )  # fmt: skip
    assert other.status_code == 302


def test_start_up_refuses_the_client_header_without_the_proxy_flag():
    env = {**os.environ, "KITH_CLIENT_IP_HEADER": "X-Forwarded-For", "KITH_SECRET_KEY": "x" * 40}
    env.pop("KITH_BEHIND_PROXY", None)
    result = subprocess.run(
        [sys.executable, "-c", "import kith.config.settings"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "KITH_CLIENT_IP_HEADER needs KITH_BEHIND_PROXY=1" in result.stderr
    env["KITH_BEHIND_PROXY"] = "1"
    assert subprocess.run([sys.executable, "-c", "import kith.config.settings"], env=env).returncode == 0
