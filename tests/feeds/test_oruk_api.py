"""The ORUK 3.0 API: every response validates against the ORUK schemas, and the validator is not vacuous."""

from pathlib import Path

import pytest

from kith.directory.models import Location, Service, Taxonomy, TaxonomyTerm
from tests.directory.helpers import M9_4DH, add, listing, point_north
from tests.feeds.oruk_validator import MOCK_SCHEMA, errors, mock_errors, page_errors

MOCKS = Path(__file__).resolve().parents[1] / "fixtures" / "oruk"


def mocks(folder):
    return sorted(p for p in (MOCKS / folder).glob("*.json") if p.name in MOCK_SCHEMA)


@pytest.mark.parametrize(
    "path", mocks("V3.0-UK-Default") + mocks("V3.0-UK-Test"), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_the_validator_passes_good_payloads(path):
    assert mock_errors(path) == []


@pytest.mark.parametrize("path", mocks("V3.0-UK-Warn"), ids=lambda p: p.name)
def test_warning_fixtures_pass_but_one(path):
    found = mock_errors(path)
    if path.name == "taxonomy_term.json":
        assert any("'description' is a required property" in e for e in found)
    else:
        assert found == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("api_details.json", "'profile' is a required property"),
        ("service_full.json", "'email-example_com' is not a 'email'"),
        ("service_list.json", "'name' is a required property"),
        ("taxonomy_term.json", "is a required property"),
    ],
)
def test_the_validator_rejects_every_failing_payload(name, expected):
    found = mock_errors(MOCKS / "V3.0-UK-Fail" / name)
    assert found and any(expected in e for e in found), found


pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_service():
    (service,) = add(listing("Test ORUK Walk", at=point_north(M9_4DH, 200), cost=2.5, step_free=True, min_age=18))
    return service


def test_api_details(client):
    data = client.get("/api/oruk/").json()
    assert errors(data, "api_details") == []
    assert data["openapi_url"].endswith("/api/oruk/openapi.json")


@pytest.mark.parametrize(
    ("path", "list_schema", "item"),
    [
        ("/api/oruk/services?per_page=30", "service_list", "service"),
        ("/api/oruk/service_at_locations?per_page=30", "service_at_location_list", "service_at_location"),
        ("/api/oruk/organizations?per_page=30", None, "organization_list"),
        ("/api/oruk/taxonomies", "taxonomy_list", "taxonomy"),
        ("/api/oruk/taxonomy_terms?per_page=100", "taxonomy_term_list", "taxonomy_term"),
    ],
)
def test_list_endpoints_validate(client, rich_service, path, list_schema, item):
    response = client.get(path)
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["contents"] and page_errors(data, item) == []
    if list_schema:
        assert errors(data, list_schema) == []


def test_one_of_each_validates(client, rich_service):
    service = client.get(f"/api/oruk/services/{rich_service.uuid}").json()
    assert errors(service, "service") == []
    assert service["cost_options"][0]["amount"] == 2.5 and service["minimum_age"] == 18
    assert service["attributes"][0]["taxonomy_term"]["name"] == "Walking groups"
    placement = rich_service.service_at_locations.get()
    sal = client.get(f"/api/oruk/service_at_locations/{placement.uuid}").json()
    assert errors(sal, "service_at_location") == [] and sal["service"]["id"] == str(rich_service.uuid)
    organisation = client.get(f"/api/oruk/organizations/{rich_service.organisation.uuid}").json()
    assert errors(organisation, "organization") == [] and organisation["services"][0]["name"] == "Test ORUK Walk"
    taxonomy = Taxonomy.objects.first()
    assert errors(client.get(f"/api/oruk/taxonomies/{taxonomy.uuid}").json(), "taxonomy") == []
    term = TaxonomyTerm.objects.get(code="active/walking")
    assert errors(client.get(f"/api/oruk/taxonomy_terms/{term.uuid}").json(), "taxonomy_term") == []


def test_every_demo_service_validates(client):
    for page in (1, 2, 3):
        data = client.get(f"/api/oruk/services?per_page=100&page={page}").json()
        assert page_errors(data, "service") == []


@pytest.mark.parametrize(
    ("query", "expect"),
    [
        ("taxonomy_term_id={walking}", True),
        ("taxonomy_id={whatmatters}", True),
        ("minimum_age=30", True),
        ("maximum_age=10", False),
        ("day=TU", True),
        ("day=SU", False),
        ("start_time=09:00&end_time=10:30", True),
        ("start_time=12:00", False),
        ("postcode=M9 4DH&proximity=500", True),
        ("postcode=M9 4DH&proximity=100", False),
        ("search=ORUK", True),
        ("search=zzzqqq", False),
        ("modified_after=2000-01-01", True),
        ("modified_after=2999-01-01T00:00:00Z", False),
    ],
)
def test_service_filters(client, rich_service, query, expect):
    walking = TaxonomyTerm.objects.get(code="active/walking").uuid
    whatmatters = Taxonomy.objects.get(source_id="kith-what-matters").uuid
    url = "/api/oruk/services?per_page=100&" + query.format(walking=walking, whatmatters=whatmatters)
    ids = [s["id"] for s in client.get(url).json()["contents"]]
    if "postcode" not in query and "search" not in query:
        # Paged by name: look through every page for the test service.
        data = client.get(url).json()
        for page in range(2, data["total_pages"] + 1):
            ids += [s["id"] for s in client.get(f"{url}&page={page}").json()["contents"]]
    assert (str(rich_service.uuid) in ids) is expect


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=0", "page must be from 1"),
        ("per_page=1000", "per_page must be from 1 to 100"),
        ("per_page=ten", "whole number"),
        ("taxonomy_term_id=walking", "must be a UUID"),
        ("day=XX", "day must be one of"),
        ("start_time=25:99", "start_time must be a time"),
        ("postcode=M99 9ZZ", "We do not know the postcode"),
        ("postcode=M9 4DH&proximity=-5", "proximity must be"),
        ("postcode=M9 4DH&proximity=nan", "proximity must be"),
        ("modified_after=yesterday", "modified_after must be"),
        ("minimum_age=-1", "minimum_age must be from 0"),
    ],
)
def test_bad_parameters_get_a_400_with_words(client, query, message):
    response = client.get(f"/api/oruk/services?{query}")
    assert response.status_code == 400 and message in response.json()["error"]


def test_unknown_ids_are_404_and_writes_are_refused(client):
    assert client.get("/api/oruk/services/00000000-0000-0000-0000-000000000000").status_code == 404
    assert client.get("/api/oruk/taxonomy_terms/00000000-0000-0000-0000-000000000000").status_code == 404
    assert client.post("/api/oruk/services").status_code == 405


def test_a_sensitive_location_is_masked(client, rich_service):
    Location.objects.filter(service_at_locations__service=rich_service).update(is_sensitive=True)
    location = client.get(f"/api/oruk/services/{rich_service.uuid}").json()["service_at_locations"][0]["location"]
    address = location["addresses"][0]
    assert address["address_1"].startswith("Address withheld") and " " not in address["postal_code"]
    assert location["latitude"] == round(location["latitude"], 2)
    assert errors(client.get(f"/api/oruk/services/{rich_service.uuid}").json(), "service") == []


def test_list_page_queries_do_not_grow_with_page_size(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        assert len(client.get("/api/oruk/services?per_page=100").json()["contents"]) == 100


def test_openapi_document(client):
    document = client.get("/api/oruk/openapi.json").json()
    assert document["openapi"] == "3.1.0" and document["servers"] == [{"url": "/api/oruk"}]
    assert set(document["paths"]) == {
        "/",
        "/services",
        "/services/{id}",
        "/service_at_locations",
        "/service_at_locations/{id}",
        "/organizations",
        "/organizations/{id}",
        "/taxonomies",
        "/taxonomies/{id}",
        "/taxonomy_terms",
        "/taxonomy_terms/{id}",
    }
    assert Service.objects.exists()


def test_prefetched_and_lazily_read_records_are_the_same(client, rich_service):
    from kith.feeds import hsds

    (prefetched,) = hsds.load_services([rich_service.id])
    lazy = Service.objects.get(id=rich_service.id)
    assert hsds.service(prefetched) == hsds.service(lazy)
    assert hsds.service(prefetched)["service_at_locations"][0]["location"]["addresses"]


def test_serving_a_page_freezes_the_long_lived_objects(client, rich_service):
    import gc

    assert client.get("/api/oruk/services").status_code == 200
    assert gc.get_freeze_count() > 0
