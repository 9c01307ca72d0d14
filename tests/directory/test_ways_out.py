"""A search that finds nothing says why and offers the nearest searches that do, each with its count, as other
searches: never as results of the one asked."""

import pytest

from tests.directory.helpers import M9_4DH, add, listing, point_north

pytestmark = pytest.mark.django_db


@pytest.fixture
def zithers():
    return add(
        listing("Zither Circle", cost=3.0, at=point_north(M9_4DH, 300)),
        listing("Zither Orchestra", cost=0.0, at=point_north(M9_4DH, 3500)),
    )


def _ways(page) -> dict[str, int]:
    return {way["label"]: way["count"] for way in page.context["ways_out"]}


def test_nothing_free_nearby_says_why_and_offers_the_filter_and_the_distance(client, zithers):
    page = client.get("/search/", {"q": "zither", "near": "M9 4DH", "radius": "2", "free": "1"})
    html = page.content.decode()
    assert page.status_code == 200 and page.context["result"].total == 0 and page.context["rows"] == []
    assert "Nothing matched “zither” and free only within 2 km of M9 4DH." in html
    assert _ways(page) == {"Within 5 km instead of 2 km": 1, "Without “free only”": 1}
    links = {way["label"]: way["query"] for way in page.context["ways_out"]}
    wider = client.get(f"/search/?{links['Within 5 km instead of 2 km']}")
    assert [r.name for r in wider.context["rows"]] == ["Zither Orchestra"]
    unfiltered = client.get(f"/search/?{links['Without “free only”']}")
    assert [r.name for r in unfiltered.context["rows"]] == ["Zither Circle"]


def test_nothing_of_the_kind_chosen_names_the_kind(client, zithers):
    page = client.get("/search/", {"q": "zither", "near": "M9 4DH", "radius": "2", "category": "nature"})
    html = page.content.decode()
    assert "Nothing matched “zither” and “Nature and green space” within 2 km of M9 4DH." in html
    assert _ways(page)["Without “Nature and green space”"] == 1
    assert "that kind of thing" not in html


def test_a_listing_holding_some_of_the_words_is_found_and_says_which(client, zithers):
    page = client.get("/search/", {"q": "zither lessons for beginners", "near": "M9 4DH", "radius": "2"})
    assert [r.name for r in page.context["rows"]] == ["Zither Circle"]
    assert page.context["ways_out"] == []


def test_words_that_name_a_want_with_nothing_near_offer_the_broader_want(client):
    from kith.geo.lookup import find_postcode

    wigan = find_postcode("WN1 1YN")
    add(listing("Wigan Choir", categories=["arts/singing"], at=point_north((wigan.lon, wigan.lat), 300)))
    page = client.get("/search/", {"q": "painting classes", "near": "WN1 1YN", "radius": "1"})
    assert page.context["result"].total == 0
    assert _ways(page)["Anything for “Arts and creativity”"] >= 1
    links = {way["label"]: way["query"] for way in page.context["ways_out"]}
    broader = client.get(f"/search/?{links['Anything for “Arts and creativity”']}")
    assert "Wigan Choir" in [r.name for r in broader.context["rows"]]
    assert broader.context["result"].query.words == "" and broader.context["result"].query.category == "arts"


def test_a_search_that_nothing_rescues_says_so_and_offers_a_link_worker(client):
    page = client.get("/search/", {"q": "qwxyzzy", "near": "M9 4DH"})
    html = page.content.decode()
    assert page.context["ways_out"] == [] and "Try fewer words, a wider distance or another category." in html
    assert 'href="/talk-to-a-link-worker/"' in html and 'href="/enquiries/new/"' not in html


def test_a_professional_who_finds_nothing_is_offered_the_enquiry_line(client):
    from tests.personas import build_world, sign_in

    world = build_world()
    sign_in(client, world.professional)
    assert 'href="/enquiries/new/"' in client.get("/search/", {"q": "qwxyzzy", "near": "M9 4DH"}).content.decode()
    client.logout()
    sign_in(client, world.link_worker)  # who answers enquiries is not sent to ask one
    assert 'href="/enquiries/new/"' not in client.get("/search/", {"q": "qwxyzzy", "near": "M9 4DH"}).content.decode()
