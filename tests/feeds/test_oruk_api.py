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


SERVICE_CASES = [
    ("taxonomy_term_id={walking}", True),
    ("taxonomy_id={whatmatters}", True),
    ("organization_id={organisation}", True),
    ("organization_id=00000000-0000-0000-0000-000000000000", False),
    ("minimum_age=30", True),
    ("maximum_age=10", False),
    ("day=TU", True),
    ("day=SU", False),
    ("start_time=09:00&end_time=10:30", True),
    ("start_time=12:00", False),
    ("end_time=09:00", False),
    ("postcode=M9 4DH&proximity=500", True),
    ("postcode=M9 4DH&proximity=100", False),
    ("search=ORUK", True),
    ("search=zzzqqq", False),
    ("modified_after=2000-01-01", True),
    ("modified_after=2999-01-01T00:00:00Z", False),
    # An offset ISO 8601 allows and PostgreSQL does not (found by schemathesis): read in UTC.
    ("modified_after=1495-01-29T18:34:45-17:15", True),
    ("page=1&per_page=100", True),
]


def _all_ids(client, url) -> list[str]:
    data = client.get(url).json()
    ids = [s["id"] for s in data["contents"]]
    for page in range(2, data["total_pages"] + 1):
        ids += [s["id"] for s in client.get(f"{url}&page={page}").json()["contents"]]
    return ids


@pytest.mark.parametrize("endpoint", ["services", "service_at_locations"])
@pytest.mark.parametrize(("query", "expect"), SERVICE_CASES)
def test_service_filters_on_services_and_service_at_locations(client, rich_service, endpoint, query, expect):
    values = {
        "walking": TaxonomyTerm.objects.get(code="active/walking").uuid,
        "whatmatters": Taxonomy.objects.get(source_id="kith-what-matters").uuid,
        "organisation": rich_service.organisation.uuid,
    }
    ids = _all_ids(client, f"/api/oruk/{endpoint}?per_page=100&" + query.format(**values))
    wanted = rich_service if endpoint == "services" else rich_service.service_at_locations.get()
    assert (str(wanted.uuid) in ids) is expect


def test_places_near_a_postcode_are_each_within_reach_nearest_first(client):
    near = add(listing("Test Two Places Near", at=point_north(M9_4DH, 300), key="test:two-near"))[0]
    far = add(listing("Test Two Places Far", at=point_north(M9_4DH, 3000), key="test:two-far"))[0]
    data = client.get("/api/oruk/service_at_locations?postcode=M9 4DH&proximity=1000&per_page=100").json()
    ids = [p["id"] for p in data["contents"]]
    assert str(near.service_at_locations.get().uuid) in ids and str(far.service_at_locations.get().uuid) not in ids
    ids = _all_ids(client, "/api/oruk/service_at_locations?postcode=M9 4DH&proximity=3500&per_page=100")
    assert ids.index(str(near.service_at_locations.get().uuid)) < ids.index(str(far.service_at_locations.get().uuid))


OTHER_CASES = {
    "/organizations": {"search": "search=ORUK Walk organisers"},
    "/taxonomies": {"search": "search=OpenActive"},
    "/taxonomy_terms": {"search": "search=Walking groups", "taxonomy_id": "taxonomy_id={whatmatters}"},
}


@pytest.mark.parametrize(("path", "parameter"), [(path, name) for path, cases in OTHER_CASES.items() for name in cases])
def test_other_list_filters_narrow_the_list(client, rich_service, path, parameter):
    whatmatters = Taxonomy.objects.get(source_id="kith-what-matters").uuid
    everything = client.get(f"/api/oruk{path}").json()["total_items"]
    query = OTHER_CASES[path][parameter].format(whatmatters=whatmatters)
    narrowed = client.get(f"/api/oruk{path}?{query}").json()
    assert 0 < narrowed["total_items"] < everything


def test_every_documented_parameter_of_every_list_endpoint_is_tested():
    from kith.feeds.openapi import openapi_document

    tested_for_services = {part.split("=")[0] for case, _ in SERVICE_CASES for part in case.split("&")}
    for path, operations in openapi_document()["paths"].items():
        if "{" in path or path == "/":
            continue
        documented = {p["name"] for p in operations["get"]["parameters"]} - {"page", "per_page"}
        tested = tested_for_services if path in ("/services", "/service_at_locations") else set(OTHER_CASES[path])
        assert documented <= tested, f"{path}: no test for {sorted(documented - tested)}"


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
        ("modified_after=0001-01-01T00:00:00%2B14:00", "outside the years"),
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
