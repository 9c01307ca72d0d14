"""One search for the pages and the ORUK API: the same reading of everyday words, the same end-date rule and
ranking; one result per service with its other places under it and why it was found."""

import datetime as dt
from dataclasses import replace

import pytest

from kith.directory.models import Service
from kith.directory.search.engine import SearchQuery, search
from kith.feeds.demo.spec import make_place
from kith.feeds.importers.records import ScheduleRecord
from kith.geo.lookup import find_place
from tests.directory.helpers import M9_4DH, add, listing, point_north

pytestmark = pytest.mark.django_db
NEAR = {"postcode": "M9 4DH", "proximity": "2000"}


def _api_names(client, **params) -> list[str]:
    data = client.get("/api/oruk/services", {**NEAR, "per_page": 100, **params}).json()
    return [s["name"] for s in data["contents"]]


def _page_names(client, words) -> list[str]:
    rows = client.get("/search/", {"q": words, "near": "M9 4DH", "radius": "2"}).context["rows"]
    return [r.name for r in rows]


def test_the_api_and_the_page_find_the_same_listings_in_the_same_order(client):
    add(
        listing("Zorbing Money Advice", categories=["money/debt"], at=point_north(M9_4DH, 900)),
        listing("Bills and Budgets Zorbing", categories=["money"], at=point_north(M9_4DH, 200)),
        listing("Zorbing Walk", categories=["active/walking"], at=point_north(M9_4DH, 100)),
    )
    for words in ["skint", "can't afford the gas bill", "zorbing"]:
        page = _page_names(client, words)
        assert page, words
        assert _api_names(client, search=words)[: len(page)] == page


def test_everyday_words_find_listings_that_never_use_them(client):
    add(listing("Zorbing Debt Clinic", categories=["money/debt"], at=point_north(M9_4DH, 300)))
    assert "Zorbing Debt Clinic" in _api_names(client, search="skint")
    assert "Zorbing Debt Clinic" in _page_names(client, "skint")


def test_the_api_leaves_out_what_has_ended_as_the_page_does(client):
    ended = listing("Zorbing Gala", categories=["active"], at=point_north(M9_4DH, 300))
    ended = replace(
        ended, schedules=[ScheduleRecord(freq="DAILY", dtstart=dt.date(2020, 5, 1), until=dt.date(2020, 5, 1))]
    )
    add(ended, listing("Zorbing Club", categories=["active"], at=point_north(M9_4DH, 400)))
    assert _api_names(client, search="zorbing") == ["Zorbing Club"] == _page_names(client, "zorbing")


def test_a_postcode_alone_lists_the_nearest_first(client):
    add(
        listing("Zorbing Far", at=point_north(M9_4DH, 1500)),
        listing("Zorbing Near", at=point_north(M9_4DH, 50)),
    )
    names = [n for n in _api_names(client) if n.startswith("Zorbing")]
    assert names == ["Zorbing Near", "Zorbing Far"]


def test_one_result_per_service_with_its_other_places_and_why(client):
    record = listing("Zorbing Walks", categories=["active/walking"], at=point_north(M9_4DH, 200))
    second = make_place("test:zorb2", "Second Zorb Field", *point_north(M9_4DH, 1200), "2 Test Street", "Manchester")
    add(replace(record, locations=[*record.locations, second]))
    rows = client.get("/search/", {"q": "zorbing walks", "near": "M9 4DH", "radius": "2"}).context["rows"]
    (row,) = [r for r in rows if r.name == "Zorbing Walks"]
    assert row.elsewhere == ["Second Zorb Field, 2 Test Street, Manchester (1.2 km)"]
    assert row.matched == ["Walking groups, for “walks”", "“zorbing” and “walks” in its name"]
    html = client.get("/search/", {"q": "zorbing walks", "near": "M9 4DH", "radius": "2"}).content.decode()
    assert "Also at Second Zorb Field" in html and "Nearest first instead" in html


def test_a_result_found_through_a_want_says_which_words_named_it():
    add(listing("Zorbing Natter", categories=["social/coffee-mornings"], at=point_north(M9_4DH, 100)))
    result = search(SearchQuery(words="a brew and a natter", place=find_place("M9 4DH"), radius_km=1))
    hit = next(h for h in result.hits if h.service.name == "Zorbing Natter")
    assert hit.wants == ("social/coffee-mornings",) and hit.matched_in == ""
    assert result.meaning.words == ("brew", "natter")


@pytest.mark.parametrize(
    ("filters", "said"),
    [({"free": "1"}, "what they cost"), ({"day": "tue"}, "when they run"), ({"open_now": "1"}, "when they run")],
)
def test_no_filter_silently_hides_a_listing_that_does_not_say(client, filters, said):
    unknown = listing("Zorbing Unknowns", cost=None, days="", at=point_north(M9_4DH, 100))
    add(unknown)
    base = {"q": "zorbing", "near": "M9 4DH", "radius": "1", **filters}
    page = client.get("/search/", base)
    assert page.context["result"].total == 0 and page.context["result"].unknown_left_out == 1
    html = page.content.decode()
    assert f"1 more listing may suit, but we do not know {said}." in html and "unknown=1" in html
    shown = client.get("/search/", {**base, "unknown": "1"})
    (row,) = shown.context["rows"]
    assert row.name == "Zorbing Unknowns" and {"cost not known", "times not known"} & set(row.reasons)


def test_words_of_little_words_only_are_searched_as_typed_and_symbols_find_nothing():
    add(listing("Zorbing Help Desk", description="We help.", at=point_north(M9_4DH, 100)))
    names = {h.service.name for h in search(SearchQuery(words="help", per_page=1000)).hits}
    assert "Zorbing Help Desk" in names and len(names) < Service.objects.count()
    assert search(SearchQuery(words="🙂")).total == 0


def test_a_word_with_no_want_does_not_find_listings_on_its_own_beside_one_that_has():
    add(
        listing("Zorbtown Football", categories=["active/sport"], at=point_north(M9_4DH, 100)),
        listing("Zorbing Knit Club", categories=["arts/crafts"], at=point_north(M9_4DH, 200)),
    )
    found = {h.service.name for h in search(SearchQuery(words="knitting zorbtown", place=find_place("M9 4DH"))).hits}
    assert "Zorbing Knit Club" in found and "Zorbtown Football" not in found


def test_other_places_meet_the_filters_too():
    record = listing("Zorbing Steps", categories=["active/walking"], step_free=True, at=point_north(M9_4DH, 200))
    stairs = make_place("test:zorb-stairs", "Zorb Stairs", *point_north(M9_4DH, 900), step_free=False)
    add(replace(record, locations=[*record.locations, stairs]))
    (hit,) = [h for h in search(SearchQuery(words="zorbing", step_free=True)).hits if h.service.name == "Zorbing Steps"]
    assert hit.elsewhere == []
    (hit,) = [h for h in search(SearchQuery(words="zorbing")).hits if h.service.name == "Zorbing Steps"]
    assert [place.name for place, _ in hit.elsewhere] == ["Zorb Stairs"]


def test_a_need_in_many_words_is_read_to_the_end():
    from kith.matching.suggest import finer_wants

    need = (
        "Recently widowed, lives on her own and rarely goes out since her husband died last spring. "
        "Used to love knitting."
    )
    assert finer_wants({"arts": 1}, {"arts": need}) == {"arts": frozenset({"arts/crafts"})}


def test_an_enquiry_is_answered_for_what_its_need_says():
    from kith.matching.suggest import needs_in_words

    needs = needs_in_words("learning", ["language"], "Wants to improve English and meet people; speaks Urdu")
    assert needs.finer == {"learning": frozenset({"learning/esol"})} and needs.barriers == {"language"}
    assert needs_in_words(None, [], "anything").wants == {}
