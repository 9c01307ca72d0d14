"""The one directory search: words, place and distance, filters, freshness; SQLite and PostgreSQL."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kith.directory import services
from kith.directory.models import Attribute, Location, Service, ServiceStatus, TaxonomyTerm
from kith.directory.search.engine import SearchQuery, search
from kith.directory.search.index import get_index
from kith.geo.lookup import find_place
from tests.directory.helpers import M9_4DH, add, listing, point_north
from tests.oracles import vincenty_sphere

pytestmark = pytest.mark.django_db


def everything(query: SearchQuery):
    result = search(SearchQuery(**{**query.__dict__, "per_page": 10_000}))
    assert result.total == len(result.hits)
    return result


def test_walking_within_2_km_of_m9_4dh_is_within_2_km_nearest_relevant_first():
    near, middle, far, outside = add(
        listing("Test Walk Near", at=point_north(M9_4DH, 300)),
        listing("Test Walk Middle", at=point_north(M9_4DH, 1200)),
        listing("Test Walk Far", at=point_north(M9_4DH, 1900)),
        listing("Test Walk Outside", at=point_north(M9_4DH, 2300)),
    )
    add(
        listing(
            "Test Knitting Near",
            at=point_north(M9_4DH, 100),
            categories=["arts/crafts"],
            description="Knit and natter.",
        )
    )
    result = everything(SearchQuery(words="walking", place=find_place("M9 4DH"), radius_km=2))
    names = [hit.service.name for hit in result.hits]
    assert result.total >= 3
    for hit in result.hits:
        actual = vincenty_sphere(*M9_4DH, hit.location.longitude, hit.location.latitude)
        assert actual <= 2000.0 + 1e-6, f"{hit.service.name} is {actual:.0f} m away"
        assert hit.distance_m == pytest.approx(actual, abs=0.01)
    assert "Test Walk Outside" not in names and "Test Knitting Near" not in names
    assert names.index(near.name) < names.index(middle.name) < names.index(far.name)
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True)
    assert outside.name in [
        h.service.name for h in everything(SearchQuery(words="walking", place=find_place("M9 4DH"), radius_km=2.5)).hits
    ]


def test_sort_by_distance_is_nearest_first():
    add(listing("Test Sort A", at=point_north(M9_4DH, 800)), listing("Test Sort B", at=point_north(M9_4DH, 200)))
    result = everything(SearchQuery(place=find_place("M9 4DH"), radius_km=3, sort="distance"))
    distances = [hit.distance_m for hit in result.hits]
    assert distances == sorted(distances) and len(distances) >= 2


def test_fresher_listings_rank_higher_when_all_else_is_equal():
    stale, fresh = add(
        listing("Test Fresh Check Stale", at=point_north(M9_4DH, 500), checked_days_ago=700),
        listing("Test Fresh Check Fresh", at=point_north(M9_4DH, 500), checked_days_ago=5),
    )
    names = [h.service.name for h in everything(SearchQuery(words="fresh check", place=find_place("M9 4DH"))).hits]
    assert names.index(fresh.name) < names.index(stale.name)


def test_words_match_stems_names_descriptions_categories_and_places():
    add(listing("Test Harmony", categories=["arts/singing"], description="We sing folk songs."))
    for words in ["harmony", "singing", "songs", "choirs", "Harpurhey harmony"]:
        names = [h.service.name for h in everything(SearchQuery(words=words)).hits]
        assert "Test Harmony" in names, words


@pytest.mark.parametrize("words", ['NEAR("a" b', "walk*", "^start", "AND OR NOT", "'; DROP TABLE x; --", "日本語", "-"])
def test_search_operators_and_odd_text_are_plain_words(words):
    result = search(SearchQuery(words=words))
    assert result.total >= 0


def test_category_filter_includes_subcategories_and_nothing_else():
    add(listing("Test Category Walk"), listing("Test Category Choir", categories=["arts/singing"]))
    result = everything(SearchQuery(category="active", place=find_place("M9 4DH"), radius_km=5))
    names = [h.service.name for h in result.hits]
    assert "Test Category Walk" in names and "Test Category Choir" not in names
    active = TaxonomyTerm.objects.get(code="active", parent=None)
    for hit in result.hits:
        terms = TaxonomyTerm.objects.filter(attributes__link_id=hit.service.uuid)
        tops = set()
        for term in terms:
            while term.parent_id:
                term = term.parent
            tops.add(term.pk)
        assert active.pk in tops


def test_free_step_free_and_age_filters():
    add(
        listing("Test Filter Paid", cost=3.0, step_free=True, min_age=50),
        listing("Test Filter Free Steps", cost=0.0, step_free=False),
        listing("Test Filter Free Level", cost=0.0, step_free=True, max_age=5),
    )
    base = {"words": "test filter"}
    assert {h.service.name for h in everything(SearchQuery(**base, free=True)).hits} == {
        "Test Filter Free Steps",
        "Test Filter Free Level",
    }
    assert {h.service.name for h in everything(SearchQuery(**base, step_free=True)).hits} == {
        "Test Filter Paid",
        "Test Filter Free Level",
    }
    assert {h.service.name for h in everything(SearchQuery(**base, age=30)).hits} == {"Test Filter Free Steps"}
    assert {h.service.name for h in everything(SearchQuery(**base, age=4)).hits} == {
        "Test Filter Free Steps",
        "Test Filter Free Level",
    }


def test_day_and_open_now():
    add(
        listing("Test Timing Tuesday", days="TU", opens=dt.time(10), closes=dt.time(12)),
        listing("Test Timing Weekend", days="SA,SU", opens=dt.time(9), closes=dt.time(17)),
    )
    base = {"words": "test timing"}
    assert {h.service.name for h in everything(SearchQuery(**base, day=1)).hits} == {"Test Timing Tuesday"}
    assert {h.service.name for h in everything(SearchQuery(**base, day=6)).hits} == {"Test Timing Weekend"}
    london = ZoneInfo("Europe/London")
    tuesday_11 = dt.datetime(2026, 11, 24, 11, 0, tzinfo=london)
    tuesday_13 = dt.datetime(2026, 11, 24, 13, 0, tzinfo=london)
    query = SearchQuery(**base, open_now=True, per_page=50)
    assert {h.service.name for h in search(query, now=tuesday_11).hits} == {"Test Timing Tuesday"}
    assert {h.service.name for h in search(query, now=tuesday_13).hits} == set()


def test_area_filter_is_containment():
    place = find_place("Harpurhey")
    add(listing("Test Area Inside", at=M9_4DH), listing("Test Area Elsewhere", at=(-2.25122, 53.46047)))
    result = everything(SearchQuery(area=place.area))
    assert "Test Area Inside" in [h.service.name for h in result.hits]
    assert "Test Area Elsewhere" not in [h.service.name for h in result.hits]
    location_ids = [h.location.id for h in result.hits]
    assert set(Location.objects.filter(id__in=location_ids).values_list("ward_id", flat=True)) == {"E05011366"}


def test_changes_reach_search_at_once():
    (service,) = add(listing("Test Change Before"))
    assert everything(SearchQuery(words="Before")).total >= 1
    Service.objects.filter(pk=service.pk).update(name="Test Change Renamed")
    services.services_changed(service_ids=[service.pk])
    assert "Test Change Renamed" in [h.service.name for h in everything(SearchQuery(words="renamed")).hits]
    Service.objects.filter(pk=service.pk).update(status=ServiceStatus.DEFUNCT)
    services.services_changed(service_ids=[service.pk])
    assert everything(SearchQuery(words="renamed")).total == 0


def test_deleted_services_leave_the_index():
    (service,) = add(listing("Test Delete Me"))
    pk = service.pk
    assert pk in {h.service.pk for h in everything(SearchQuery(words="Test Delete Me")).hits}
    Attribute.objects.filter(link_id=service.uuid).delete()
    service.delete()
    services.services_changed(service_ids=[pk])
    # Other listings may hold some of the words (or the nearest known ones); this one is gone from every page.
    assert pk not in get_index().service_id
    assert pk not in {h.service.pk for h in everything(SearchQuery(words="Test Delete Me")).hits}


def test_one_result_per_service_with_its_nearest_place():
    far = point_north(M9_4DH, 1500)
    near = point_north(M9_4DH, 400)
    add(listing("Test Two Places", at=far, key="test:two-far"))
    (service,) = Service.objects.filter(name="Test Two Places")
    second = Location.objects.create(name="Second place", latitude=near[1], longitude=near[0])
    services.place_locations([second])
    second.save()
    service.service_at_locations.create(location=second)
    services.services_changed(service_ids=[service.pk])
    hits = [h for h in everything(SearchQuery(words="two places", place=find_place("M9 4DH"))).hits]
    assert len(hits) == 1
    assert hits[0].location == second


def test_paging():
    first = search(SearchQuery(per_page=5, page=1))
    second = search(SearchQuery(per_page=5, page=2))
    assert first.total == second.total > 10
    assert not {h.service.pk for h in first.hits} & {h.service.pk for h in second.hits}
    assert search(SearchQuery(per_page=5, page=10_000)).hits == []
