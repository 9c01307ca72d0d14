"""Responses go back to the referrer's own endpoint: accepted, declined, and at close a summary, as far as the person
agreed; sent by the job queue, tried again when the referrer is down, shown on the outbox page."""

import csv
import datetime as dt
import json

import pytest
from django.utils import timezone

from kith.directory.models import Service
from kith.interop import outbox, responses
from kith.interop.models import ConnectedSystem, ReferringOrganisation, SentMessage
from kith.interop.services import issue_key
from kith.interop.stand_in import DEMO_PRACTICE, StandIn
from kith.matching import services as matching
from kith.people import services as people
from kith.people.models import Referral, SnomedCode
from tests.interop.messages import referral_message
from tests.live import free_port
from tests.personas import build_world, sign_in

pytestmark = pytest.mark.django_db
URL = "/fhir/$process-message"


@pytest.fixture
def gp():
    stand_in = StandIn().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def world(db):
    from kith.geo.models import Area

    world = build_world()
    world.north.wards.add(Area.objects.get(code="E05011366"))  # Harpurhey, where M9 4DH is
    return world


@pytest.fixture
def system(world, gp):
    system = ConnectedSystem.objects.create(name="Test GP system", ods_code="P84001")
    ReferringOrganisation.objects.create(system=system, ods_code=DEMO_PRACTICE, endpoint=gp.endpoint)
    system.key = issue_key(system)
    return system


def refer(client, system, **fields) -> tuple[dict, Referral]:
    message = referral_message(**fields)
    answer = client.post(
        URL, json.dumps(message), content_type="application/fhir+json", HTTP_AUTHORIZATION=f"Bearer {system.key}"
    )
    assert answer.status_code == 200, answer.content
    return message, Referral.objects.get(external_id=message["entry"][1]["fullUrl"].removeprefix("urn:uuid:"))


def codes(received) -> set[str]:
    return {c.split("|")[1] for c in received.codes}


def test_accepting_sends_the_referrer_an_accepted_response(
    client, world, system, gp, django_capture_on_commit_callbacks
):
    message, referral = refer(client, system)
    with django_capture_on_commit_callbacks(execute=True):
        people.accept_referral(user=world.link_worker, referral=referral)
    (received,) = gp.received
    assert received.answering == message["id"] and received.status == "accepted"
    assert codes(received) == {SnomedCode.REFERRED}
    patient = next(e["resource"] for e in received.bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    assert patient["identifier"][0]["value"] == "9434765919"
    sent = SentMessage.objects.get()
    assert sent.state == "sent" and sent.body == "" and sent.attempts == 1  # Kith keeps no copy once it is taken
    assert "Arthur" not in sent.summary


@pytest.mark.parametrize(("said_no", "declined_code"), [(True, True), (False, False)])
def test_declining_says_why_and_codes_a_person_who_said_no(
    client, world, system, gp, django_capture_on_commit_callbacks, said_no, declined_code
):
    _, referral = refer(client, system)
    with django_capture_on_commit_callbacks(execute=True):
        people.decline_referral(
            user=world.link_worker, referral=referral, reason="They would rather not.", person_declined=said_no
        )
    (received,) = gp.received
    assert received.status == "rejected"
    assert (SnomedCode.DECLINED in codes(received)) is declined_code
    task = next(e["resource"] for e in received.bundle["entry"] if e["resource"]["resourceType"] == "Task")
    assert task["statusReason"]["text"] == "They would rather not."


def close_with_outcomes(world, referral, *, shares: bool | None):
    person = people.accept_referral(user=world.link_worker, referral=referral)
    service = Service.objects.active().first()
    (connection,) = matching.connect(user=world.link_worker, person=person, services=[service])
    matching.update_connection(
        user=world.link_worker, connection=connection, version=connection.version, status="attending",
        persons_words="I look forward to Tuesdays now.",
    )  # fmt: skip
    for occasion, score in (("baseline", 3), ("follow-up", 7)):
        people.record_wellbeing(
            user=world.link_worker, person=person, instrument="ons4", occasion=occasion,
            taken_on=timezone.localdate() - dt.timedelta(days=60 if occasion == "baseline" else 1),
            answers={"life_satisfaction": score, "worthwhile": score, "happiness": score, "anxiety": 10 - score},
        )  # fmt: skip
    if shares is not None:
        people.record_consent(
            user=world.link_worker, person=person, purpose="share-outcomes",
            decision="agreed" if shares else "objected", method="in-person", wording="May we tell your GP how it went?",
        )  # fmt: skip
    person.refresh_from_db()
    return people.close_person(user=world.link_worker, person=person, version=person.version, reason="other")


def observations(received) -> dict[str, list]:
    found = {}
    for entry in received.bundle["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] == "Observation":
            coding = resource["code"]["coding"][0]
            found.setdefault(coding["code"], []).append(resource)
    return found


def test_closing_sends_a_summary_in_the_words_the_person_agreed_to_share(
    client, world, system, gp, django_capture_on_commit_callbacks
):
    _, referral = refer(client, system)
    with django_capture_on_commit_callbacks(execute=True):
        close_with_outcomes(world, referral, shares=True)
    accepted, closed = gp.received
    assert accepted.status == "accepted" and closed.status == "completed"
    assert "1 connection made, 1 still going" in closed.said
    found = observations(closed)
    assert found["connections-made"][0]["valueQuantity"]["value"] == 1
    assert found["connections-sustained"][0]["valueQuantity"]["value"] == 1
    assert found["connection"][0]["note"][0]["text"] == "I look forward to Tuesdays now."
    assert [o["valueQuantity"]["value"] for o in found["ons4-life-satisfaction"]] == [3, 7]  # first and latest
    assert found["ons4-anxiety"][-1]["valueQuantity"]["value"] == 3
    system_url = found["connections-made"][0]["code"]["coding"][0]["system"]
    assert system_url == responses.code_system_url()


@pytest.mark.parametrize("shares", [False, None])  # refused, or never asked: the codes only
def test_without_agreement_the_summary_is_the_codes_only(
    client, world, system, gp, django_capture_on_commit_callbacks, shares
):
    _, referral = refer(client, system)
    with django_capture_on_commit_callbacks(execute=True):
        close_with_outcomes(world, referral, shares=shares)
    closed = gp.received[-1]
    assert closed.status == "completed" and closed.said == "Closed"
    assert observations(closed) == {} and codes(closed) == {SnomedCode.REFERRED}
    assert "Tuesdays" not in json.dumps(closed.bundle)


def test_every_snomed_code_sent_is_one_the_guidance_names(
    client, world, system, gp, django_capture_on_commit_callbacks, reference_dir
):
    with (reference_dir / "clinical-codes" / "snomed_social_prescribing_codes.csv").open() as handle:
        named = {row["concept_id"] for row in csv.DictReader(handle)}
    _, first = refer(client, system)
    _, second = refer(client, system, nhs_number="9434765870")
    with django_capture_on_commit_callbacks(execute=True):
        people.decline_referral(user=world.link_worker, referral=first, reason="Said no.", person_declined=True)
        close_with_outcomes(world, second, shares=True)
    snomed = {c.split("|")[1] for r in gp.received for c in r.codes if c.startswith("http://snomed.info/sct|")}
    assert snomed and snomed <= named
    kith = {c.split("|")[1] for r in gp.received for c in r.codes if c.startswith(responses.code_system_url())}
    assert kith <= set(responses.DISPLAY)


def test_kiths_code_system_is_served_where_its_url_points(client):
    answer = client.get("/fhir/CodeSystem/kith-outcome")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/fhir+json"
    from fhir.resources.R4B.codesystem import CodeSystem

    served = CodeSystem.model_validate_json(answer.content)
    assert served.url == responses.code_system_url() and {c.code for c in served.concept} == set(responses.DISPLAY)
    assert client.get("/fhir/CodeSystem/loinc").status_code == 404


def test_a_referrer_that_is_down_is_tried_again_until_it_takes_it(
    client, world, system, django_capture_on_commit_callbacks
):
    port = free_port()
    ReferringOrganisation.objects.filter(system=system).update(
        endpoint=f"http://127.0.0.1:{port}/fhir/$process-message"
    )
    _, referral = refer(client, system)
    with django_capture_on_commit_callbacks(execute=True):
        people.accept_referral(user=world.link_worker, referral=referral)
    sent = SentMessage.objects.get()
    assert sent.state == "waiting" and sent.attempts == 1 and "Could not reach" in sent.answer and sent.body
    assert outbox.deliver() == 0  # not due yet: the next try is a minute on
    gp = StandIn(port).start()
    try:
        assert outbox.deliver(now=timezone.now() + dt.timedelta(minutes=2)) == 1
    finally:
        gp.stop()
    sent.refresh_from_db()
    assert sent.state == "sent" and sent.attempts == 2 and len(gp.received) == 1


def test_a_refused_response_waits_for_a_person_who_can_send_it_again(
    client, world, system, gp, django_capture_on_commit_callbacks
):
    gp.refuse_with = 422
    _, referral = refer(client, system)
    with django_capture_on_commit_callbacks(execute=True):
        people.accept_referral(user=world.link_worker, referral=referral)
    sent = SentMessage.objects.get()
    assert sent.state == "failed" and "422: Refused for the test." in sent.answer
    assert outbox.deliver(now=timezone.now() + dt.timedelta(days=1)) == 0  # not tried again by itself
    sign_in(client, world.lead)
    page = client.get("/responses-to-referrers/?state=failed").content.decode()
    assert "Not sent" in page and "Refused for the test." in page and "Send again" in page
    gp.refuse_with = None
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/responses-to-referrers/{sent.pk}/send-again")
    assert answer.status_code == 302
    sent.refresh_from_db()
    assert sent.state == "sent" and len(gp.received) == 1


def test_a_referrer_without_an_endpoint_is_said_not_tried(client, world, system, django_capture_on_commit_callbacks):
    ReferringOrganisation.objects.all().delete()
    _, referral = refer(client, system)
    with django_capture_on_commit_callbacks(execute=True):
        people.accept_referral(user=world.link_worker, referral=referral)
    sent = SentMessage.objects.get()
    assert sent.state == "no-endpoint" and sent.attempts == 0 and "No endpoint" in sent.answer


def test_the_systems_own_endpoint_serves_referrers_it_does_not_list(
    client, world, system, gp, django_capture_on_commit_callbacks
):
    ReferringOrganisation.objects.all().delete()
    ConnectedSystem.objects.filter(pk=system.pk).update(response_endpoint=gp.endpoint)
    _, referral = refer(client, system)
    with django_capture_on_commit_callbacks(execute=True):
        people.accept_referral(user=world.link_worker, referral=referral)
    assert len(gp.received) == 1


def test_referrals_made_in_kith_send_nothing(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        people.decline_referral(user=world.other_link_worker, referral=world.other_referral, reason="Not ours.")
    assert SentMessage.objects.count() == 0


def test_the_outbox_page_shows_a_team_its_own_responses_only(
    client, world, system, gp, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for number in ("9434765919", "9434765870", "9434765889"):
        _, referral = refer(client, system, nhs_number=number)
        with django_capture_on_commit_callbacks(execute=True):
            people.accept_referral(user=world.link_worker, referral=referral, confirm_not_duplicate=True)
    sign_in(client, world.link_worker)
    with django_assert_max_num_queries(12):
        page = client.get("/responses-to-referrers/").content.decode()
    assert page.count("Accepted onto the caseload.") == 3 and "sent (3)" in page
    assert "Send again" not in page  # a link worker sees; a lead or administrator sends again
    sign_in(client, world.other_link_worker)
    assert "Accepted onto the caseload." not in client.get("/responses-to-referrers/").content.decode()
    sign_in(client, world.professional)
    assert client.get("/responses-to-referrers/").status_code == 403


def test_the_demo_system_prints_a_key_that_works_and_send_referral_says_when_kith_is_unreachable(world, gp, client):
    """`kith demo-systems` prints a key Kith takes; `kith send-referral` to no server fails in words.

    (The whole loop over HTTP, send to response, is tests/system/test_gp_system_journey.py: a live server here
    would flush the database, which PostgreSQL refuses while the search table points at services.)"""
    from click.testing import CliRunner

    from kith.cli import main

    printed = CliRunner().invoke(main, ["demo-systems", "--stand-in-port", str(gp.port)], catch_exceptions=False)
    key = next(line.strip() for line in printed.stdout.splitlines() if line.strip().startswith("kith_"))
    answer = client.post(
        URL, json.dumps(referral_message()), content_type="application/fhir+json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert answer.status_code == 200
    assert Referral.objects.get(external_system="Demo GP system (stand-in)").external_organisation == DEMO_PRACTICE
    down = f"http://127.0.0.1:{free_port()}"
    failed = CliRunner().invoke(main, ["send-referral", "--key", key, "--to", down])
    assert failed.exit_code == 1 and "Could not reach Kith at" in failed.output


def test_a_referral_with_only_a_family_name_can_be_decided_and_answered(
    client, world, system, gp, django_capture_on_commit_callbacks
):
    message = referral_message()
    message["entry"][2]["resource"]["name"] = [{"family": "Synthetic"}]
    answer = client.post(
        URL, json.dumps(message), content_type="application/fhir+json", HTTP_AUTHORIZATION=f"Bearer {system.key}"
    )
    assert answer.status_code == 200, answer.content
    referral = Referral.objects.get(external_system="Test GP system")
    with django_capture_on_commit_callbacks(execute=True):
        people.accept_referral(user=world.link_worker, referral=referral)
    (received,) = gp.received
    patient = next(e["resource"] for e in received.bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    assert patient["name"] == [{"family": "Synthetic"}]


def test_a_response_that_cannot_be_written_never_stops_the_decision(
    client, world, system, gp, django_capture_on_commit_callbacks, monkeypatch
):
    _, referral = refer(client, system)

    def broken(*args, **kwargs):
        raise ValueError("no such code")

    monkeypatch.setattr(responses, "response", broken)
    with django_capture_on_commit_callbacks(execute=True):
        person = people.accept_referral(user=world.link_worker, referral=referral)
    assert person.pk and Referral.objects.get(pk=referral.pk).status == "accepted"
    sent = SentMessage.objects.get()
    assert sent.state == "failed" and "could not write it: no such code" in sent.answer and gp.received == []


def test_sending_again_is_only_for_what_was_given_up_and_never_doubles_a_send(
    client, world, system, django_capture_on_commit_callbacks
):
    ReferringOrganisation.objects.filter(system=system).update(endpoint=f"http://127.0.0.1:{free_port()}/fhir/x")
    _, referral = refer(client, system)
    with django_capture_on_commit_callbacks(execute=True):
        people.accept_referral(user=world.link_worker, referral=referral)
    sent = SentMessage.objects.get()
    assert sent.state == "waiting"
    with pytest.raises(outbox.NotNow):
        outbox.try_again(sent, user=world.lead)
    sign_in(client, world.lead)
    answer = client.post(f"/responses-to-referrers/{sent.pk}/send-again", follow=True)
    assert "nothing to send again" in answer.content.decode()
    sent.refresh_from_db()
    assert sent.attempts == 1 and sent.state == "waiting"


def test_one_closing_summary_and_it_follows_the_acceptance(
    client, world, system, gp, django_capture_on_commit_callbacks
):
    endpoint = gp.endpoint
    ReferringOrganisation.objects.filter(system=system).update(endpoint=f"http://127.0.0.1:{free_port()}/fhir/x")
    _, referral = refer(client, system)
    with django_capture_on_commit_callbacks(execute=True):
        person = people.accept_referral(user=world.link_worker, referral=referral)  # the referrer is down
    ReferringOrganisation.objects.filter(system=system).update(endpoint=endpoint)
    SentMessage.objects.update(endpoint=endpoint)
    with django_capture_on_commit_callbacks(execute=True):
        person = people.close_person(user=world.link_worker, person=person, version=person.version)
    assert gp.received == []  # the summary waits for the acceptance the referrer has not had
    assert "earlier response" in SentMessage.objects.get(kind="closed").answer
    assert outbox.deliver(now=timezone.now() + dt.timedelta(minutes=2)) == 2  # in the order they were written
    assert [r.status for r in gp.received] == ["accepted", "completed"]
    person = people.reopen_person(user=world.link_worker, person=person, version=person.version)
    with django_capture_on_commit_callbacks(execute=True):
        people.close_person(user=world.link_worker, person=person, version=person.version)
    assert SentMessage.objects.filter(kind="closed").count() == 1 and len(gp.received) == 2


def test_an_erased_persons_responses_are_not_sent_and_their_bodies_go(
    client, world, system, django_capture_on_commit_callbacks
):
    ReferringOrganisation.objects.filter(system=system).update(endpoint=f"http://127.0.0.1:{free_port()}/fhir/x")
    _, referral = refer(client, system)
    with django_capture_on_commit_callbacks(execute=True):
        person = people.accept_referral(user=world.link_worker, referral=referral)
    assert SentMessage.objects.get().body
    people.erase_person(user=world.administrator, person=person)
    sent = SentMessage.objects.get()
    assert sent.state == "failed" and sent.body == "" and "erased" in sent.answer
    assert outbox.deliver(now=timezone.now() + dt.timedelta(days=1)) == 0


def test_a_given_up_response_keeps_no_body_and_is_written_afresh_when_sent_again(
    client, world, system, gp, django_capture_on_commit_callbacks
):
    gp.refuse_with = 422
    _, referral = refer(client, system)
    with django_capture_on_commit_callbacks(execute=True):
        people.accept_referral(user=world.link_worker, referral=referral)
    sent = SentMessage.objects.get()
    assert sent.state == "failed" and sent.body == ""
    gp.refuse_with = None
    with django_capture_on_commit_callbacks(execute=True):
        outbox.try_again(sent, user=world.lead)
    sent.refresh_from_db()
    assert sent.state == "sent" and len(gp.received) == 1
