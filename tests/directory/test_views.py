"""Public pages: what people see, what bad input gets, and how many queries each page costs."""

import json
import re
import urllib.parse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kith.directory.models import ListingCheck, Organisation, Service
from tests.directory.helpers import M9_4DH, add, listing, point_north

pytestmark = pytest.mark.django_db


def page(response) -> str:
    """The page's HTML with non-breaking spaces (which timesince uses) as plain spaces."""
    return response.content.decode().replace("\xa0", " ")


def errors(response) -> list[str]:
    html = response.content.decode()
    summary = re.search(r'nhsuk-error-summary__list">(.*?)</ul>', html, re.S)
    return re.findall(r">([^<>]+)</a>", summary.group(1)) if summary else []


def test_home_offers_search_and_every_want(anonymous):
    response = anonymous.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="q"' in html and 'name="near"' in html
    for name in ["Being active and walking", "Friendship and social", "Mental-health support"]:
        assert name in html
    assert "NHS" not in re.sub(r"nhsuk-[\w-]+", "", html)  # NHS.UK components, not the NHS identity


def test_search_lists_results_with_reasons_and_a_map(anonymous):
    add(listing("Test Page Walk", at=point_north(M9_4DH, 600), checked_days_ago=21))
    response = anonymous.get("/search/", {"q": "walking", "near": "M9 4DH", "radius": "2"})
    assert response.status_code == 200
    html = page(response)
    assert "Test Page Walk" in html
    assert "Free · 600 m · Tuesdays, 10am to 11:30am · checked 3 weeks ago" in html
    assert 'id="map-data"' in html and "Harpurhey" in html
    assert "within 2 km of M9 4DH" in html


def test_search_without_javascript_still_has_the_list(anonymous):
    add(listing("Test No Script Walk", at=point_north(M9_4DH, 250)))
    html = anonymous.get("/search/", {"q": "walking", "near": "M9 4DH"}).content.decode()
    assert 'id="results"' in html
    assert "The map needs JavaScript. The list on this page has everything the map shows." in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"near": "M99 9ZZ"}, "We do not know the postcode M99 9ZZ"),
        ({"near": "M1 9FN"}, "non-geographic postcode"),
        ({"near": "nowhere at all"}, "We could not find “nowhere at all”"),
        ({"q": "walk", "page": "-1"}, "The page number must be a whole number from 1."),
        ({"q": "walk", "page": "two"}, "The page number must be a whole number from 1."),
        ({"radius": "far", "near": "M9 4DH"}, "Enter the distance as a number of kilometres"),
        ({"radius": "nan", "near": "M9 4DH"}, "Enter the distance as a number of kilometres"),
        ({"age": "-3"}, "Enter an age from 0 to 120."),
        ({"category": "unicorns"}, "Choose one of the listed categories."),
        ({"day": "someday"}, "Choose a day of the week."),
        ({"free": "perhaps"}, "Tick the box or leave it empty."),
        ({"area": "E99999999"}, "We do not know that area."),
        ({"q": "x" * 201}, "Enter fewer words: at most 200 characters."),
        ({"q": "x" * 10_000}, "Your search is too long."),
    ],
)
def test_bad_search_input_gets_a_400_with_words(anonymous, params, message):
    response = anonymous.get("/search/", params)
    assert response.status_code == 400
    assert any(message in e for e in errors(response)), errors(response)


@pytest.mark.parametrize(("radius", "used"), [("0", "0.1"), ("999", "50"), ("-5", "0.1")])
def test_out_of_range_distances_are_clamped_and_said(anonymous, radius, used):
    response = anonymous.get("/search/", {"near": "M9 4DH", "radius": radius})
    assert response.status_code == 200
    assert f"Distances run from 0.1 to 50 km, so we searched within {used} km." in response.content.decode()


def test_a_page_past_the_end_says_so(anonymous):
    response = anonymous.get("/search/", {"q": "walking", "page": "9999"})
    assert response.status_code == 200
    assert "Go to the first page" in response.content.decode()


def test_search_page_query_count_does_not_grow_with_results(anonymous):
    def queries(params):
        anonymous.get("/search/", params)  # warm the in-memory index
        with CaptureQueriesContext(connection) as captured:
            response = anonymous.get("/search/", params)
        assert response.status_code == 200
        return len(captured), len(response.context["rows"])

    # A park beside it: both maps have a landmark to show, so both look landmarks up.
    add(
        listing("Test Query Count", at=point_north(M9_4DH, 30)),
        listing("Test Query Count Park", at=point_north(M9_4DH, 35), kind="public-space"),
    )
    few, few_rows = queries({"near": "M9 4DH", "radius": "0.1"})
    many, many_rows = queries({"near": "M9 4DH", "radius": "10"})
    assert 1 <= few_rows < many_rows == 20
    assert many == few
    assert many <= 14


@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "q",
                "near",
                "radius",
                "category",
                "day",
                "open_now",
                "free",
                "step_free",
                "age",
                "area",
                "sort",
                "page",
                "unknown",
            ]
        ),
        st.text(max_size=300),
        max_size=6,
    )
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_malformed_search_parameters_never_give_a_500(client, params):
    response = client.get("/search/?" + urllib.parse.urlencode(params))
    assert response.status_code in {200, 400}
    if response.status_code == 400:
        assert errors(response), "a 400 must say what was wrong"


def test_printable_list(anonymous):
    add(listing("Test Print Walk", at=point_north(M9_4DH, 300)))
    response = anonymous.get("/search/print/", {"q": "walking", "near": "M9 4DH"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Test Print Walk" in html and "Where:" in html and "When:" in html and "Printed" in html
    assert 'id="map"' not in html


def test_service_page_says_what_when_where_cost_access_contact_and_last_check(anonymous):
    (service,) = add(listing("Test Detail Walk", step_free=True, cost=0.0, checked_days_ago=14))
    response = anonymous.get(f"/services/{service.uuid}/")
    assert response.status_code == 200
    html = page(response)
    for text in [
        "Test Detail Walk",
        "Tuesdays, 10am to 11:30am",
        "Free",
        "Step-free access",
        "1 Test Street",
        "Checked 2 weeks ago by a link worker (phoned)",
        "Walking groups",
        "Demo listing",
    ]:
        assert text in html, text


def test_service_page_warns_when_a_listing_is_not_active(anonymous):
    (service,) = add(listing("Test Closed Group"))
    Service.objects.filter(pk=service.pk).update(status="temporarily closed")
    html = anonymous.get(f"/services/{service.uuid}/").content.decode()
    assert "Closed for now" in html and "Check with the organisation before you go" in html


def test_service_page_query_count_is_fixed(anonymous):
    (service,) = add(listing("Test Count Walk"))
    with CaptureQueriesContext(connection) as captured:
        assert anonymous.get(f"/services/{service.uuid}/").status_code == 200
    assert len(captured) <= 16


def test_unknown_pages_are_404(anonymous):
    assert anonymous.get("/services/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert anonymous.get("/organisations/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert anonymous.get("/areas/E99999999/").status_code == 404
    assert anonymous.get("/areas/E02001045/").status_code == 404  # an MSOA has no page
    assert anonymous.get("/services/not-a-uuid/").status_code == 404


def test_organisation_page_lists_its_services(anonymous):
    (service,) = add(listing("Test Org Walk"))
    response = anonymous.get(f"/organisations/{service.organisation.uuid}/")
    assert response.status_code == 200
    assert "Test Org Walk" in response.content.decode()


def test_area_page_counts_listings_by_want_and_names_what_is_missing(anonymous):
    add(listing("Test Area Walk", at=M9_4DH))
    response = anonymous.get("/areas/E05011366/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "What is in Harpurhey" in html
    rows = {r["code"]: r for r in response.context["rows"]}
    assert rows["active"]["services"] >= 1
    assert response.context["deprivation"]["lsoas"] >= 5
    assert "Nothing listed yet" in html or all(r["services"] for r in rows.values())


def test_area_pages_for_a_borough_and_an_lsoa(anonymous):
    borough = anonymous.get("/areas/E08000003/")
    assert borough.status_code == 200 and len(borough.context["wards"]) == 32
    assert anonymous.get("/areas/E01005205/").status_code == 200
    areas = anonymous.get("/areas/")
    assert areas.status_code == 200 and "Harpurhey" in areas.content.decode()


def test_last_checked_wording_follows_the_latest_check(anonymous):
    (service,) = add(listing("Test Checked Twice", checked_days_ago=400))
    ListingCheck.objects.create(
        service=service, checked_at=timezone.now(), method="visited", checked_by_role="organisation"
    )
    assert "Checked just now by an organisation (visited)" in page(anonymous.get(f"/services/{service.uuid}/"))


def test_security_headers_on_public_pages(anonymous):
    response = anonymous.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_organisations_are_not_duplicated_by_the_demo():
    names = list(Organisation.objects.filter(is_demo=True).values_list("name", flat=True))
    assert len(names) == len(set(names))


def test_step_free_says_how_many_were_left_out_for_lack_of_information_and_offers_them(anonymous):
    from kith.directory.models import Accessibility, Location

    near = point_north(M9_4DH, 40)
    found, unknown, stepped = add(
        listing("Zebra Step Free Walk", at=near, step_free=True, key="test:zebra-sf"),
        listing("Zebra Unknown Access Walk", at=point_north(M9_4DH, 60), key="test:zebra-unknown"),
        listing("Zebra Stepped Walk", at=point_north(M9_4DH, 80), key="test:zebra-stepped"),
    )
    stepped_place = Location.objects.get(service_at_locations__service=stepped)
    Accessibility.objects.filter(location=stepped_place).delete()
    Accessibility.objects.create(location=stepped_place, feature="hearing-loop")  # known, and not step-free
    Accessibility.objects.filter(location__service_at_locations__service=unknown).delete()
    from kith.directory import services as directory

    directory.services_changed(service_ids=[found.pk, unknown.pk, stepped.pk])
    page = anonymous.get("/search/", {"q": "zebra", "near": "M9 4DH", "step_free": "1"}).content.decode()
    assert "Zebra Step Free Walk" in page and "Zebra Unknown Access Walk" not in page
    notice = page[page.index('id="access-left-out"') :]
    assert notice.startswith('id="access-left-out">1 more listing may suit') and "access_unknown=1" in notice
    wider = anonymous.get("/search/", {"q": "zebra", "near": "M9 4DH", "step_free": "1", "access_unknown": "1"})
    html = wider.content.decode()
    assert "Zebra Unknown Access Walk" in html and "access not known" in html
    assert "Zebra Stepped Walk" not in html  # known not to be step-free: still left out
    printed = anonymous.get("/search/print/", {"q": "zebra", "near": "M9 4DH", "step_free": "1", "access_unknown": "1"})
    paper = printed.content.decode()
    unknown = paper[paper.index("Zebra Unknown Access Walk") :]
    assert "<strong>Step-free:</strong> not known: ask the organiser" in unknown.split("</li>")[0]
    known = paper[paper.index("Zebra Step Free Walk") :]
    assert "<strong>Step-free:</strong> yes" in known.split("</li>")[0]


def test_the_printable_list_has_every_way_of_getting_in_touch(anonymous, django_assert_max_num_queries):
    from kith.directory.models import Phone

    (service,) = add(listing("Printable Phone Walk", at=point_north(M9_4DH, 20)))
    Service.objects.filter(pk=service.pk).update(email="walks@example.org", url="https://walks.example.org/")
    Phone.objects.create(service=service, number="0161 496 0123")
    query = {"q": "printable phone walk", "near": "M9 4DH"}
    anonymous.get("/search/print/", query)  # warm the in-memory index
    with django_assert_max_num_queries(16):  # two more than the page without contacts, however many rows
        page = anonymous.get("/search/print/", query).content.decode()
    entry = page[page.index("Printable Phone Walk") :]
    assert "0161 496 0123" in entry and "walks@example.org" in entry and "https://walks.example.org/" in entry


def test_a_results_map_without_tiles_has_neighbouring_wards_and_landmarks_to_orient_by(anonymous):
    walk, library = (
        listing("Orienting Walk", at=point_north(M9_4DH, 100)),
        listing("Orienting Library Reading Group", at=point_north(M9_4DH, 600), key="test:orienting-library"),
    )
    library.asset_kind, library.locations[0].name = "public-service", "Harpurhey Library"
    add(walk, library)
    response = anonymous.get("/search/", {"q": "orienting", "near": "M9 4DH", "radius": "2"})
    data = response.context["map_data"]
    names = {w["name"] for w in data["neighbours"]}
    assert {"Moston", "Charlestown"} & names and data["centre_name"]
    assert all(w["outline"]["type"] in ("Polygon", "MultiPolygon") for w in data["neighbours"])
    assert len(json.dumps(data["neighbours"])) < 120_000  # simplified: a few kilobytes a ward
    assert "Harpurhey Library" in {m["name"] for m in data["landmarks"]}
    assert all(set(m) == {"name", "lon", "lat"} for m in data["landmarks"])
