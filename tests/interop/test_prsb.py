"""The PRSB Social Prescribing Standard's four groups, out: a person's dataset and a period's controlled counts,
as FHIR the library validates and as CSV."""

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from kith.cli import main
from kith.directory.models import Service, TaxonomyTerm
from kith.interop import prsb, responses
from kith.matching import services as matching
from kith.people import services as people
from tests.personas import build_world, sign_in

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[2] / "docs" / "interoperability.md"
TODAY = timezone.localdate()


@pytest.fixture
def world(db):
    world = build_world()
    person = world.person
    people.update_person(user=world.link_worker, person=person, version=person.version, nhs_number="9434765919",
                         what_matters="=Seeing people again")  # fmt: skip
    person.refresh_from_db()
    people.add_want(user=world.link_worker, person=person, term=TaxonomyTerm.objects.get(code="active"), words="walks")
    people.set_barriers(user=world.link_worker, person=person, kinds={"transport", "confidence"})
    (connection,) = matching.connect(user=world.link_worker, person=person, services=[Service.objects.active().first()])
    matching.update_connection(
        user=world.link_worker, connection=connection, version=connection.version, status="attending",
        persons_words="Best part of my week.",
    )  # fmt: skip
    for occasion, score in (("baseline", 4), ("follow-up", 8)):
        people.record_wellbeing(
            user=world.link_worker, person=person, instrument="ons4", occasion=occasion, taken_on=TODAY,
            answers={"life_satisfaction": score, "worthwhile": score, "happiness": score, "anxiety": 2},
        )  # fmt: skip
    return world


def download(client, world, fmt):
    sign_in(client, world.link_worker)
    return client.get(f"/people/{world.person.uuid}/prsb.{fmt}")


def test_a_persons_dataset_is_fhir_the_library_validates_in_the_four_groups(
    client, world, django_assert_max_num_queries
):
    sign_in(client, world.link_worker)
    with django_assert_max_num_queries(25):
        answer = client.get(f"/people/{world.person.uuid}/prsb.json")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/fhir+json"
    bundle = Bundle.model_validate_json(answer.content)
    assert bundle.type == "collection"
    kinds = [e.resource.get_resource_type() for e in bundle.entry]
    assert set(kinds) == {"Patient", "Observation", "ServiceRequest", "QuestionnaireResponse", "CarePlan"}
    data = json.loads(answer.content)
    resources = [e["resource"] for e in data["entry"]]
    patient = resources[0]
    assert patient["identifier"][0]["value"] == "9434765919" and patient["name"][0]["given"] == ["Alex"]
    categories = {c["code"] for r in resources for cat in r.get("category", []) for c in cat.get("coding", [])}
    assert {"needs-and-concerns", "support-offered", "outcomes"} <= categories
    barriers = {
        r["valueCodeableConcept"]["text"]
        for r in resources
        if r.get("code", {}).get("coding", [{}])[0].get("code") == "barrier"
    }
    assert barriers == {"Transport", "Confidence or anxiety"}
    connection = next(r for r in resources if r["resourceType"] == "ServiceRequest" and r["intent"] == "plan")
    assert connection["note"][0]["text"] == "Best part of my week."
    scores = [r for r in resources if r["resourceType"] == "QuestionnaireResponse"]
    assert len(scores) == 2 and {"linkId": "anxiety", "answer": [{"valueInteger": 2}]} in scores[0]["item"]
    plan = next(r for r in resources if r["resourceType"] == "CarePlan")
    assert plan["description"] == "=Seeing people again" and len(plan["activity"]) == 1
    kith = {
        c["code"]
        for r in resources
        for concept in [r.get("code") or {}, *r.get("category", [])]
        for c in concept.get("coding", [])
        if c["system"] == responses.code_system_url()
    }
    assert kith and kith <= set(responses.DISPLAY)


def test_a_persons_dataset_as_csv_holds_the_four_groups_and_no_formulas(client, world):
    answer = download(client, world, "csv")
    assert answer.status_code == 200 and "attachment" in answer["Content-Disposition"]
    text = answer.content.decode()
    assert {line.split(",")[0] for line in text.splitlines()[1:]} == set(prsb.GROUPS)
    assert "'=Seeing people again" in text and "Best part of my week." in text


def test_only_those_who_may_open_the_record_may_export_it(client, world):
    sign_in(client, world.other_link_worker)
    assert client.get(f"/people/{world.person.uuid}/prsb.json").status_code == 404
    sign_in(client, world.professional)
    assert client.get(f"/people/{world.person.uuid}/prsb.json").status_code == 403
    sign_in(client, world.link_worker)
    assert client.get(f"/people/{world.person.uuid}/prsb.xml").status_code == 404


def test_a_periods_counts_are_controlled_and_hidden_ones_are_masked_in_fhir(
    client, world, django_assert_max_num_queries
):
    sign_in(client, world.planner)
    with django_assert_max_num_queries(20):  # a fixed number of counts, however many people
        page = client.get("/social-prescribing-dataset/")
    assert page.status_code == 200
    rows = {(r["group"], r["item"]): r["people"] for r in page.context["rows"]}
    assert rows[("outcomes", "a connection sustained")] == "*"  # one person: hidden
    assert rows[("demographics", "people")] == "*"
    answer = client.get(
        "/social-prescribing-dataset/", {"from": TODAY.isoformat(), "to": TODAY.isoformat(), "format": "json"}
    )
    bundle = Bundle.model_validate_json(answer.content)
    observations = [e.resource for e in bundle.entry if e.resource.get_resource_type() == "Observation"]
    assert observations and all(
        o.dataAbsentReason.coding[0].code == "masked" for o in observations if o.valueQuantity is None
    )
    assert all(o.valueQuantity.value in (0,) or o.valueQuantity.value % 5 == 0 for o in observations if o.valueQuantity)
    text = client.get("/social-prescribing-dataset/", {"format": "csv"}).content.decode()
    assert text.startswith("group,item,people\n") and "outcomes,a connection made,*" in text


def test_a_lead_sees_their_teams_people_only_and_a_bad_date_is_said(client, world):
    sign_in(client, world.lead)
    page = client.get("/social-prescribing-dataset/")
    assert "North Manchester test team" in page.content.decode()
    bad = client.get("/social-prescribing-dataset/", {"from": "last week"})
    assert bad.status_code == 400 and "year-month-day" in bad.content.decode()
    backwards = client.get("/social-prescribing-dataset/", {"from": "2026-05-01", "to": "2026-04-01"})
    assert backwards.status_code == 400 and "start on or before" in backwards.content.decode()
    sign_in(client, world.link_worker)
    assert client.get("/social-prescribing-dataset/").status_code == 403


def test_the_cli_prints_the_same_counts(world):
    day = TODAY.isoformat()
    printed = CliRunner().invoke(main, ["prsb-export", "--from", day, "--to", day], catch_exceptions=False)
    assert printed.exit_code == 0 and printed.stdout.startswith("group,item,people\n")
    assert "needs and concerns,want: " in printed.stdout
    fhir = CliRunner().invoke(main, ["prsb-export", "--from", day, "--to", day, "--format", "fhir"])
    Bundle.model_validate_json(fhir.stdout)
    wrong = CliRunner().invoke(main, ["prsb-export", "--from", day, "--to", day, "--team", "Nobody"])
    assert wrong.exit_code != 0 and "No team called 'Nobody'" in wrong.output


def test_the_docs_give_the_mapping_table_as_the_code_has_it():
    text = DOCS.read_text()
    for group, held, fhir in prsb.MAPPING:
        assert re.search(rf"\| {re.escape(group)} \| {re.escape(held)} \| {re.escape(fhir)} \|", text), held


def test_languages_as_people_type_them_still_export(client, world):
    person = world.person
    person.refresh_from_db()
    people.update_person(user=world.link_worker, person=person, version=person.version, languages="ur, Urdu  Punjabi")
    answer = download(client, world, "json")
    assert answer.status_code == 200
    patient = json.loads(answer.content)["entry"][0]["resource"]
    assert patient["communication"] == [
        {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "ur"}]}},
        {"language": {"text": "Urdu Punjabi"}},
    ]


def test_the_export_is_audited_as_an_export(client, world):
    from kith.core.models import AuditEvent

    download(client, world, "csv")
    assert AuditEvent.objects.filter(action="export", what="person", person=world.person.uuid).exists()


def test_people_who_objected_to_insight_are_not_counted(client, world):
    people.record_consent(
        user=world.link_worker, person=world.person, purpose="insight", decision="objected", method="phone",
        wording="May we count you?",
    )  # fmt: skip
    counts = __import__("kith.people.sharing", fromlist=["prsb_period"]).prsb_period(TODAY, TODAY)
    assert counts["outcomes"]["a connection sustained"] == 0


def test_the_periods_items_are_named_in_words_not_codes(client, world):
    sign_in(client, world.planner)
    items = {r["item"] for r in client.get("/social-prescribing-dataset/").context["rows"]}
    assert {
        "barrier: Transport",
        "barrier: Confidence or anxiety",
        "connection: Attending",
        "referred by: GP practice",
    } <= items
    assert not any(item.endswith((": transport", ": attending", ": gp")) for item in items)
