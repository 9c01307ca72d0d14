"""`POST /fhir/$process-message`: a GP system's referral lands in the right queue, once, or is refused in words."""

import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kith.interop.models import ConnectedSystem, ReceivedMessage
from kith.interop.services import issue_key
from kith.people.models import Referral
from tests.interop.messages import referral_message, replaced, without
from tests.personas import build_world

pytestmark = pytest.mark.django_db
URL = "/fhir/$process-message"


@pytest.fixture
def key(db):
    from kith.geo.models import Area

    build_world().north.wards.add(Area.objects.get(code="E05011366"))  # Harpurhey, where M9 4DH is
    return issue_key(ConnectedSystem.objects.create(name="Test GP system", ods_code="P84001"))


def post(client, message, key, content_type="application/fhir+json"):
    body = message if isinstance(message, (str, bytes)) else json.dumps(message)
    return client.post(URL, body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {key}")


def outcome(response) -> list[str]:
    return [issue.diagnostics for issue in OperationOutcome.model_validate_json(response.content).issue]


def test_a_referral_lands_in_the_team_queue_with_its_code(client, key):
    message = referral_message()
    response = post(client, message, key)
    assert response.status_code == 200, response.content
    ack = Bundle.model_validate_json(response.content)
    assert ack.entry[0].resource.response.identifier == message["id"] and ack.entry[0].resource.response.code == "ok"
    referral = Referral.objects.get(external_system="Test GP system")
    assert referral.team.name == "North Manchester test team" and referral.status == Referral.Status.NEW
    assert referral.snomed_code == "871731000000106" and referral.nhs_number == "9434765919"
    assert "used to love walking" in referral.words and referral.source == "gp"


def test_a_replay_is_a_conflict_and_writes_nothing(client, key):
    message = referral_message()
    assert post(client, message, key).status_code == 200
    before = (Referral.objects.count(), ReceivedMessage.objects.count())
    again = post(client, message, key)
    assert again.status_code == 409 and "already been processed" in outcome(again)[0]
    assert (Referral.objects.count(), ReceivedMessage.objects.count()) == before


def test_a_cancellation_takes_it_out_of_the_queue_and_keeps_its_history(client, key):
    message = referral_message(request_id="0a1b2c3d-0000-4000-8000-000000000001")
    post(client, message, key)
    cancel = referral_message(reason="update", status="revoked", request_id="0a1b2c3d-0000-4000-8000-000000000001")
    assert post(client, cancel, key).status_code == 200
    referral = Referral.objects.get(external_id="0a1b2c3d-0000-4000-8000-000000000001")
    assert referral.status == Referral.Status.WITHDRAWN
    assert [m.reason for m in referral.messages.order_by("received_at")] == ["new", "update"]


def test_an_update_changes_the_words_while_it_waits(client, key):
    post(client, referral_message(request_id="0a1b2c3d-0000-4000-8000-000000000002"), key)
    update = referral_message(reason="update", request_id="0a1b2c3d-0000-4000-8000-000000000002")
    update["entry"][1]["resource"]["reasonCode"] = [{"text": "Now also wants to try a choir."}]
    assert post(client, update, key).status_code == 200
    assert "choir" in Referral.objects.get(external_id="0a1b2c3d-0000-4000-8000-000000000002").words


@pytest.mark.parametrize(
    ("message", "status", "says"),
    [
        (referral_message(nhs_number="9434765918"), 422, "check digit"),
        (referral_message(postcode="EH1 1YZ"), 422, "We do not know the postcode"),
        (referral_message(postcode="WA15 8EW"), 422, "No social prescribing team"),
        (referral_message(reason="update", request_id="0a1b2c3d-0000-4000-8000-00000000dead"), 422, "No referral"),
        (replaced(referral_message(), ["type"], "collection"), 422, "type message"),
        ("{not json", 400, "not a FHIR R4 Bundle"),
        (json.dumps({"resourceType": "Patient"}), 400, "not a FHIR R4 Bundle"),
        (without(referral_message(), ["id"]), 422, "needs an id"),
    ],
)
def test_what_is_refused_gets_an_operation_outcome_and_writes_no_referral(client, key, message, status, says):
    response = post(client, message, key)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/fhir+json"
    assert any(says in text for text in outcome(response))
    assert not Referral.objects.filter(external_system="Test GP system").exists()


def test_xml_is_taken_as_json_is(client, key):
    message = Bundle.model_validate(referral_message())
    response = post(client, message.model_dump_xml(), key, content_type="application/fhir+xml")
    assert response.status_code == 200, response.content
    assert Referral.objects.filter(external_system="Test GP system").count() == 1
    assert post(client, b"<Bundle", key, content_type="application/fhir+xml").status_code == 400


def test_without_a_valid_key_nothing_is_read(client, key):
    message = referral_message()
    for header in ({}, {"HTTP_AUTHORIZATION": "Bearer kith_nope_nope"}, {"HTTP_AUTHORIZATION": f"Basic {key}"}):
        response = client.post(URL, json.dumps(message), content_type="application/fhir+json", **header)
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    system = ConnectedSystem.objects.get()
    issue_key(system)  # rotated: the old key stops working
    assert post(client, message, key).status_code == 401
    assert not Referral.objects.exists() or not Referral.objects.filter(external_system="Test GP system").exists()
    assert post(client, message, key, content_type="text/plain").status_code == 401


def test_the_capability_statement_says_what_is_accepted(client):
    response = client.get("/fhir/metadata")
    assert response.status_code == 200 and response["Content-Type"] == "application/fhir+json"
    statement = response.json()
    assert statement["resourceType"] == "CapabilityStatement" and statement["fhirVersion"] == "4.0.1"
    assert statement["rest"][0]["operation"][0]["name"] == "process-message"


PATHS = [
    ["type"],
    ["entry", 0, "resource", "eventCoding", "code"],
    ["entry", 0, "resource", "reason", "coding", 0, "code"],
    ["entry", 0, "resource", "focus", 0, "reference"],
    ["entry", 1, "resource", "status"],
    ["entry", 1, "resource", "category", 0, "coding", 0, "code"],
    ["entry", 2, "resource", "identifier", 0, "value"],
    ["entry", 2, "resource", "birthDate"],
    ["entry", 2, "resource", "address", 0, "postalCode"],
    ["entry", 2, "resource", "name", 0, "given"],
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(PATHS),
    value=st.one_of(st.none(), st.text(max_size=12), st.integers(), st.lists(st.text(max_size=5), max_size=2)),
)
def test_any_mutation_is_taken_whole_or_refused_in_words_never_a_500(client, key, path, value):
    message = referral_message()
    changed = without(message, path) if value is None else replaced(message, path, value)
    before = Referral.objects.count()
    response = post(client, changed, key)
    assert response.status_code in {200, 400, 422}, response.content
    if response.status_code == 200:
        assert Referral.objects.count() == before + 1
        stored = Referral.objects.latest("received_at")
        assert stored.external_id and stored.postcode and stored.display_name
    else:
        assert Referral.objects.count() == before and outcome(response)


def test_an_administrator_issues_a_key_that_works_at_once(client, key, administrator):
    system = ConnectedSystem.objects.get()
    response = administrator.post(
        "/admin/interop/connectedsystem/",
        {"action": "issue_new_key", "_selected_action": [system.pk]},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    new_key = shown[0].rsplit(" ", 1)[-1]
    assert new_key.startswith("kith_") and new_key != key
    assert post(client, referral_message(), key).status_code == 401
    assert post(client, referral_message(), new_key).status_code == 200


def test_the_link_worker_sees_where_it_came_from_and_the_referrers_words(client, key):
    from django.contrib.auth import get_user_model

    from tests.personas import sign_in

    post(client, referral_message(), key)
    referral = Referral.objects.get(external_system="Test GP system")
    sign_in(client, get_user_model().objects.get(username="lw-north"))
    queue = client.get("/referral-queue/").content.decode()
    assert "through Test GP system" in queue
    page = client.get(f"/referral-queue/{referral.uuid}/").content.decode()
    assert "through Test GP system" in page and "used to love walking" in page


def test_a_referral_for_someone_the_team_knows_is_offered_to_the_link_worker_never_merged(client, key):
    from django.contrib.auth import get_user_model

    from kith.people import services as people
    from kith.people.models import Person
    from tests.personas import sign_in

    link_worker = get_user_model().objects.get(username="lw-north")
    known = people.create_person(
        user=link_worker, team=link_worker.profile.team, given_name="Arthur", family_name="Synthetic",
        postcode="M9 4DH", nhs_number="9434765919",
    )  # fmt: skip
    assert post(client, referral_message(), key).status_code == 200
    referral = Referral.objects.get(external_system="Test GP system")
    assert referral.person is None and Person.objects.filter(nhs_number="9434765919").count() == 1
    sign_in(client, link_worker)
    page = client.get(f"/referral-queue/{referral.uuid}/").content.decode()
    assert f"Accept for {known.display_name}" in page and "This is a different person" in page


def test_the_link_worker_sees_the_referrals_snomed_code_and_its_system(client, key):
    from django.contrib.auth import get_user_model

    from tests.personas import sign_in

    assert post(client, referral_message(), key).status_code == 200
    referral = Referral.objects.get(external_system="Test GP system")
    sign_in(client, get_user_model().objects.get(username="lw-north"))
    page = client.get(f"/referral-queue/{referral.uuid}/").content.decode()
    assert "Referral to social prescribing service (SNOMED CT 871731000000106)" in page
    assert "through Test GP system" in page


def test_every_message_taken_or_refused_is_in_the_audit_trail_under_its_system(client, key):
    from kith.core.models import AuditEvent

    taken = referral_message()
    assert post(client, taken, key).status_code == 200
    assert post(client, referral_message(nhs_number="9434765918"), key).status_code == 422
    events = {(e.username, e.action, e.what) for e in AuditEvent.objects.filter(username__startswith="(system:")}
    assert ("(system: Test GP system)", "receive", "referral message") in events
    assert ("(system: Test GP system)", "create", "referral") in events  # not "the person, online"
    assert ("(system: Test GP system)", "refuse", "referral message") in events


def test_a_system_over_its_messages_a_minute_is_told_to_wait(client, key, settings):
    from django.core.cache import cache

    cache.clear()
    settings.KITH_FHIR_MESSAGES_PER_MINUTE = 2
    assert [post(client, referral_message(), key).status_code for _ in range(3)] == [200, 200, 429]
    answer = post(client, referral_message(), key)
    assert answer.status_code == 429 and "More than 2 messages a minute" in outcome(answer)[0]
    assert Referral.objects.filter(external_system="Test GP system").count() == 2
