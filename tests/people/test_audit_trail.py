"""The audit trail holds refused reads, sign-ins and exports, and flags accounts that probe for records."""

import datetime as dt
import re
import uuid

import pytest
from django.utils import timezone

from kith.core.auditing import refused_bursts
from kith.core.models import AuditEvent
from tests.personas import build_world, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_a_refused_read_is_audited_and_looks_like_a_missing_record(client, world):
    sign_in(client, world.other_link_worker)  # the south team's worker
    theirs = client.get(f"/people/{world.person.uuid}/")
    missing = client.get(f"/people/{uuid.uuid4()}/")
    garbled = client.get("/people/not-a-uuid/")
    assert theirs.status_code == missing.status_code == garbled.status_code == 404
    unmasked = [
        re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", r.content) for r in (theirs, missing, garbled)
    ]
    assert unmasked[0] == unmasked[1] == unmasked[2]  # the sign-out form's token is masked afresh each time
    refused = AuditEvent.objects.filter(action="refused", username="lw-south", what="person")
    assert refused.count() == 3 and str(world.person.uuid) in set(refused.values_list("object_id", flat=True))


def test_a_page_refused_for_a_role_is_audited(client, world):
    sign_in(client, world.planner)
    assert client.get(f"/people/{world.person.uuid}/").status_code == 403
    event = AuditEvent.objects.get(action="refused", username="planner")
    assert event.what == "page" and event.object_id == f"/people/{world.person.uuid}/"


def test_twenty_refusals_in_ten_minutes_flag_the_account_for_an_administrator(client, world):
    sign_in(client, world.other_link_worker)
    for _ in range(19):
        client.get(f"/people/{uuid.uuid4()}/")
    assert refused_bursts() == []
    client.get(f"/people/{uuid.uuid4()}/")
    (flag,) = refused_bursts()
    assert flag.username == "lw-south" and flag.refused == 20
    client.post("/accounts/sign-out/")
    sign_in(client, world.administrator)
    page = client.get("/accounts/audit/").content.decode()
    assert "Accounts to look at" in page and "lw-south</a>: 20 refused" in page
    filtered = client.get("/accounts/audit/?action=refused&username=lw-south")
    assert len(filtered.context["page"].object_list) == 20


def test_refusals_spread_over_hours_are_not_flagged(world):
    start = timezone.now() - dt.timedelta(hours=5)
    for n in range(30):
        event = AuditEvent.objects.create(username="slow", action="refused", what="person")
        AuditEvent.objects.filter(pk=event.pk).update(at=start + dt.timedelta(minutes=11 * n))
    assert refused_bursts() == []
    assert [f.username for f in refused_bursts(minutes=60, threshold=6)] == ["slow"]  # both are settings


def test_only_administrators_read_the_audit_trail(client, world):
    sign_in(client, world.lead)
    assert client.get("/accounts/audit/").status_code == 403


def test_staff_downloads_of_gap_data_are_audited(client, world):
    sign_in(client, world.planner)
    response = client.get("/insight/funding/E08000003/active/?format=csv")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="export", username="planner")
    assert event.what == "gap download" and event.object_id == "E08000003/active.csv"


def test_the_admin_links_administrators_to_the_audit_trail(client, world):
    world.administrator.is_staff = world.administrator.is_superuser = True
    world.administrator.save()
    sign_in(client, world.administrator)
    page = client.get("/admin/").content.decode()
    assert 'href="/accounts/audit/">Audit trail</a>' in page and 'href="/accounts/security/"' in page


def test_the_admins_own_password_change_goes_through_kiths_checks(client, world):
    world.administrator.is_staff = world.administrator.is_superuser = True
    world.administrator.save()
    sign_in(client, world.administrator)
    response = client.get("/admin/password_change/")
    assert response.status_code == 302 and response["Location"] == "/accounts/security/password/"


def test_each_event_records_the_role_of_who_acted(client):
    from kith.core import audit
    from tests.personas import build_world

    world = build_world()
    event = audit.record(user=world.link_worker, action="read", what="test")
    assert event.role == "link-worker"  # read through the reader accounts registers with core
