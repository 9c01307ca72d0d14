"""Imports: provenance, no duplicates, updates, retirements, quarantine with reasons, and bad feeds."""

import json
from pathlib import Path

import pytest

from kith.directory.models import Organisation, Service, ServiceStatus
from kith.feeds import fetch
from kith.feeds.importers import writer
from kith.feeds.importers.run import run_source
from kith.feeds.models import OrganisationLink, PossibleDuplicate, Problem, Source
from tests.feeds.conftest import Feed
from tests.feeds.oruk_validator import errors

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NORTH_LINCS = "oruk-feeds-real/north_lincolnshire_oruk_v1_services_2024-12.json"


def v1_service(i, **changes):
    record = {
        "id": f"svc-{i}",
        "name": f"Service {i}",
        "description": "<p>Tea &amp; <b>chat</b></p>",
        "url": "https://example.org/",
        "email": "hello@example.org",
        "status": "active",
        "assured_date": "2024-12-10",
        "organization": {"id": f"org-{i % 3}", "name": f"Org {i % 3}", "url": "https://example.org/"},
    }
    record.update(changes)
    return record


def import_file(tmp_path, payload, kind="oruk-v1", name="feed.json"):
    path = tmp_path / name
    path.write_text(
        json.dumps(payload) if not isinstance(payload, (bytes, str)) else payload if isinstance(payload, str) else "",
        encoding="utf-8",
    )
    if isinstance(payload, bytes):
        path.write_bytes(payload)
    source, _ = Source.objects.get_or_create(kind=kind, location=str(path), defaults={"name": name})
    return run_source(source), source


def test_records_keep_source_id_and_harvest_time_and_lose_html(tmp_path):
    run, source = import_file(tmp_path, [v1_service(i) for i in range(5)])
    assert run.status == "done" and run.counts["created"] == 5
    service = Service.objects.get(source=source.key, source_id="svc-1")
    assert service.description == "Tea & chat" and service.harvested_at is not None
    assert service.organisation.source_id == "org-1"
    assert service.checks.get().method == "imported"


def test_reimporting_updates_what_changed_and_retires_what_disappeared(tmp_path):
    import_file(tmp_path, [v1_service(i) for i in range(5)])
    run, source = import_file(tmp_path, [v1_service(0, name="Renamed"), *[v1_service(i) for i in range(1, 4)]])
    assert run.counts == {"created": 0, "updated": 1, "unchanged": 3, "quarantined": 0, "inactivated": 1}
    assert Service.objects.filter(source=source.key).count() == 5
    assert Service.objects.get(source=source.key, source_id="svc-0").name == "Renamed"
    assert Service.objects.get(source=source.key, source_id="svc-4").status == ServiceStatus.INACTIVE


def test_two_services_under_one_id_keep_the_first_and_a_reimport_changes_nothing(tmp_path):
    feed = [v1_service(0), v1_service(1), v1_service(1, name="A different service")]
    run, source = import_file(tmp_path, feed)
    assert (run.counts["created"], run.counts["quarantined"]) == (2, 1)
    assert Service.objects.get(source=source.key, source_id="svc-1").name == "Service 1"
    problem = Problem.objects.get(run=run, severity="quarantined")
    assert problem.record_name == "A different service" and "the same id (svc-1)" in problem.reason
    again, _ = import_file(tmp_path, feed)
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 2, "quarantined": 1, "inactivated": 0}


@pytest.mark.parametrize("organisation", [None, {"id": "", "name": "x"}, {"id": "org-9", "name": " "}])
def test_a_complete_listing_without_an_organisation_is_kept_under_a_placeholder_for_review(tmp_path, organisation):
    run, source = import_file(tmp_path, [v1_service(0), v1_service(1, organization=organisation)])
    assert (run.counts["created"], run.counts["quarantined"]) == (2, 0)
    kept = Service.objects.get(source=source.key, source_id="svc-1")
    assert kept.organisation.name == f"{source.name}: organisation not given"
    problem = Problem.objects.get(run=run, severity="field-dropped", source_id="svc-1")
    assert "names no organisation" in problem.reason  # listed on the import page for someone to find it
    assert import_file(tmp_path, [v1_service(0), v1_service(1, organization=organisation)])[0].counts["unchanged"] == 2


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"name": "  "}, "the service has no name"),
        ({"name": "<p></p>"}, "the service has no name"),
        ({"status": "open"}, "status 'open' is not one of"),
        ({"id": ""}, "the service has no id"),
    ],
)
def test_a_record_that_cannot_be_imported_is_quarantined_with_its_reason(tmp_path, change, reason):
    run, _source = import_file(tmp_path, [v1_service(1), v1_service(2, **change)])
    assert run.status == "done" and run.counts["created"] == 1 and run.counts["quarantined"] == 1
    problem = Problem.objects.get(run=run, severity="quarantined")
    assert reason in problem.reason and problem.payload is not None


@pytest.mark.parametrize(
    ("change", "dropped"),
    [
        ({"email": "[redacted-email]"}, "is not an email address"),
        ({"assured_date": "2024-02-31"}, "not a real date"),
        ({"url": "not a url at all"}, "is not a web address"),
    ],
)
def test_a_bad_field_is_dropped_and_listed(tmp_path, change, dropped):
    run, _source = import_file(tmp_path, [v1_service(1, **change)])
    assert run.counts["created"] == 1
    assert dropped in Problem.objects.get(run=run, severity="field-dropped").reason


@pytest.mark.parametrize(
    ("payload", "message"),
    [("{not json", "is not valid JSON"), (b"\xff\xfe\x00bad", "is not UTF-8"), ({"a": 1}, "not a list of ORUK v1")],
)
def test_malformed_files_give_a_clear_message_and_change_nothing(tmp_path, payload, message):
    before = Service.objects.count()
    run, _ = import_file(tmp_path, payload)
    if run.status == "failed":
        assert message in run.error
    else:
        assert message in Problem.objects.get(run=run).reason
    assert Service.objects.count() == before


def test_a_failed_batch_rolls_back_everything(tmp_path, monkeypatch):
    original = writer.Writer.service
    calls = {"n": 0}

    def failing(self, record):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return original(self, record)

    monkeypatch.setattr(writer.Writer, "service", failing)
    run, source = import_file(tmp_path, [v1_service(i) for i in range(5)])
    assert run.status == "failed" and "disk full" in run.error
    assert not Service.objects.filter(source=source.key).exists()
    assert not Problem.objects.filter(run=run).exists()


def test_the_same_organisation_from_two_sources_is_linked_or_queued(tmp_path):
    import_file(tmp_path, [v1_service(1)], name="first.json")
    _run, second = import_file(tmp_path, [v1_service(1, id="other-1")], name="second.json")
    assert Organisation.objects.filter(name="Org 1").count() == 1  # same name and website: one organisation
    assert OrganisationLink.objects.filter(source=second.key, source_id="org-1").exists()
    org = {"id": "org-x", "name": "Org 1", "url": "https://elsewhere.example/"}
    import_file(tmp_path, [v1_service(7, organization=org)], name="third.json")
    assert PossibleDuplicate.objects.filter(second__source_id="org-x").exists()  # same name only: a person decides


def test_hsds_example_round_trip_validates_and_keeps_the_fields(tmp_path, client):
    example = json.loads((FIXTURES / "hsds-3.0-examples" / "service_full.json").read_text())
    run, source = import_file(tmp_path, example, kind="oruk")
    assert run.status == "done", run.error
    service = Service.objects.get(source=source.key)
    exported = client.get(f"/api/oruk/services/{service.uuid}").json()
    assert errors(exported, "service") == []
    for field in ["name", "description", "url", "email", "status"]:
        assert exported[field] == example[field].strip(), field  # whitespace at the ends is tidied
    assert exported["organization"]["name"] == example["organization"]["name"]
    assert exported["minimum_age"] == example["minimum_age"] and exported["maximum_age"] == example["maximum_age"]
    location = exported["service_at_locations"][0]["location"]
    assert location["name"] == example["service_at_locations"][0]["location"]["name"]
    # The example's latitude 100 and longitude 101 are impossible: dropped, and said so.
    assert "latitude" not in location
    assert "impossible coordinates" in Problem.objects.get(run=run, severity="field-dropped").reason
    assert exported["schedules"][0]["byday"] == example["schedules"][0]["byday"]


def oruk_page(items, page, pages):
    return json.dumps(
        {
            "total_items": 99,
            "total_pages": pages,
            "page_number": page,
            "size": len(items),
            "first_page": page == 1,
            "last_page": page == pages,
            "empty": not items,
            "contents": items,
        }
    ).encode()


def v3_service(i):
    return {
        "id": f"00000000-0000-0000-0000-{i:012d}",
        "name": f"Remote {i}",
        "status": "active",
        "organization": {"id": "11111111-0000-0000-0000-000000000001", "name": "Remote org", "description": "An org"},
    }


def test_an_oruk_api_is_followed_to_the_last_page(feed_server):
    _, base = feed_server
    Feed.pages = {
        "/services": oruk_page([v3_service(1), v3_service(2)], 1, 3),
        "/services?page=2": oruk_page([v3_service(3)], 2, 3),
        "/services?page=3": oruk_page([v3_service(4)], 3, 3),
    }
    source = Source.objects.create(kind="oruk", location=f"{base}/services", name="Remote")
    run = run_source(source)
    assert run.status == "done" and run.counts["created"] == 4


def test_an_unreachable_or_hanging_or_huge_feed_is_reported(feed_server, monkeypatch, settings):
    _, base = feed_server
    monkeypatch.setattr(fetch, "TIMEOUT_S", 0.5)
    monkeypatch.setattr(fetch, "BACKOFF_S", 0.0)
    missing = run_source(Source.objects.create(kind="oruk", location=f"{base}/nothing", name="Missing"))
    assert missing.status == "failed" and "answered 404" in missing.error
    Feed.pages, Feed.delay = {"/slow": b"[]"}, 1.0
    slow = run_source(Source.objects.create(kind="oruk", location=f"{base}/slow", name="Slow"))
    assert slow.status == "failed" and "did not answer within" in slow.error
    Feed.delay = 0.0
    monkeypatch.setattr(fetch, "MAX_BYTES", 1000)
    Feed.pages = {"/huge": b"[" + b" " * 5000 + b"]"}
    huge = run_source(Source.objects.create(kind="oruk", location=f"{base}/huge", name="Huge"))
    assert (huge.status == "failed" and "larger than" in huge.error) or "more than" in huge.error
    settings.KITH_IMPORT_ALLOWED_HOSTS = ["127.0.0.1:9"]
    closed = run_source(Source.objects.create(kind="oruk", location="http://127.0.0.1:9/", name="Closed"))
    assert closed.status == "failed" and "could not be reached" in closed.error


@pytest.mark.reference
def test_north_lincolnshire_imports_every_service_it_can(reference_dir, tmp_path):
    source = Source.objects.create(kind="oruk-v1", location=str(reference_dir / NORTH_LINCS), name="North Lincs")
    run = run_source(source)
    payload = json.loads((reference_dir / NORTH_LINCS).read_text())
    assert run.status == "done"
    assert run.counts["created"] + run.counts["quarantined"] == len(payload) == 738
    for problem in Problem.objects.filter(run=run, severity="quarantined"):
        assert problem.reason
    assert not Service.objects.filter(source=source.key, description__contains="<p>").exists()
    again = run_source(source)
    assert again.counts["unchanged"] == run.counts["created"] and again.counts["created"] == 0


def v3_with(service_id: str, org_id: str, website: str, phone: str = "", postcode: str = "") -> dict:
    item = {
        "id": service_id,
        "name": f"Lunch club {service_id}",
        "status": "active",
        "organization": {"id": org_id, "name": "Moston Lunch Club Ltd", "website": website},
        "phones": [{"number": phone}] if phone else [],
    }
    if postcode:
        location = {
            "id": f"loc-{service_id}",
            "name": "Hall",
            "addresses": [{"address_1": "1 Road", "postal_code": postcode}],
        }
        item["service_at_locations"] = [{"id": f"sal-{service_id}", "location": location}]
    return {"total_items": 1, "total_pages": 1, "page_number": 1, "size": 1, "first_page": True,
            "last_page": True, "empty": False, "contents": [item]}  # fmt: skip


@pytest.mark.parametrize(
    ("other", "linked"),
    [
        ({"phone": "+44 161 234 5678"}, True),  # the same phone, written another way
        ({"postcode": "m9 4dh"}, True),  # the same postcode
        ({"phone": "0161 999 0000", "postcode": "M40 1AA"}, False),  # only the name: a person decides
    ],
)
def test_the_same_organisation_is_recognised_by_phone_or_postcode(tmp_path, other, linked):
    first = v3_with("a-1", "org-a", "https://moston-lunch.example/", phone="0161 234 5678", postcode="M9 4DH")
    import_file(tmp_path, first, kind="oruk", name="first.json")
    second = v3_with("b-1", "org-b", "https://elsewhere.example/", **other)
    run, source = import_file(tmp_path, second, kind="oruk", name="second.json")
    assert run.status == "done", run.error
    assert OrganisationLink.objects.filter(source=source.key, source_id="org-b").exists() == linked
    assert PossibleDuplicate.objects.filter(second__source_id="org-b").exists() == (not linked)
    assert Organisation.objects.filter(name="Moston Lunch Club Ltd").count() == (1 if linked else 2)
