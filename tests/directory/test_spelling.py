"""Typo tolerance: a word that no listing and no everyday phrase holds is read as the nearest word the directory
knows, and the page says so with a way back to the words as typed."""

import pytest

from kith.directory.search.spelling import Spelling, allowed_edits

NAMES = ["Walking group", "Walking football", "Nordic walking", "Making music", "Knitting circle", "Allotments"]
KNOWN = Spelling.from_texts(NAMES)


@pytest.mark.parametrize(
    ("typed", "read_as"),
    [
        ("waking", "walking"),  # "making" is as near, but more listings say "walking"
        ("knittin", "knitting"),
        ("alotment", "allotments"),
        ("walkng", "walking"),
        ("foootball", "football"),
        ("walking", None),  # known words are never changed
        ("gym", None),  # too short to guess: one letter turns it into another word
        ("zzzzzzzz", None),  # nothing near enough
        ("2026", None),  # numbers are left as they are
    ],
)
def test_a_misspelt_word_is_read_as_the_nearest_known_one(typed, read_as):
    assert KNOWN.nearest(typed) == read_as


@pytest.mark.parametrize(("word", "edits"), [("gym", 0), ("walk", 1), ("knitin", 1), ("alotment", 2)])
def test_longer_words_may_have_more_letters_wrong(word, edits):
    assert allowed_edits(word) == edits


@pytest.mark.django_db
def test_the_search_page_reads_a_misspelling_and_offers_the_words_as_typed(client):
    page = client.get("/search/", {"q": "waking group", "near": "M9 4DH", "radius": "3"})
    html = page.content.decode()
    assert page.status_code == 200 and page.context["result"].total > 0
    assert "Showing results for “<strong>walking group</strong>”, as no listing uses “waking”." in html
    spelt = client.get("/search/", {"q": "walking group", "near": "M9 4DH", "radius": "3"})
    assert page.context["result"].query.words == "walking group"
    assert [r.uuid for r in page.context["rows"]] == [r.uuid for r in spelt.context["rows"]]
    as_typed = client.get("/search/", {"q": "waking group", "near": "M9 4DH", "radius": "3", "as_typed": "1"})
    assert as_typed.context["result"].total == 0 and "Showing results for" not in as_typed.content.decode()


@pytest.mark.django_db
def test_a_word_that_finds_something_as_typed_is_never_changed(client):
    page = client.get("/search/", {"q": "walking", "near": "M9 4DH", "radius": "3"})
    assert page.context["result"].typed_words == "" and "Showing results for" not in page.content.decode()


@pytest.mark.django_db
def test_the_oruk_api_reads_a_misspelling_as_the_search_page_does(client):
    typed = client.get("/api/oruk/services", {"search": "knittin", "postcode": "M9 4DH", "proximity": "5000"}).json()
    spelt = client.get("/api/oruk/services", {"search": "knitting", "postcode": "M9 4DH", "proximity": "5000"}).json()
    assert typed["total_items"] == spelt["total_items"] > 0


@pytest.mark.django_db
def test_only_words_that_no_listing_holds_are_read_as_others():
    from kith.directory.search.engine import read_as_meant
    from kith.directory.search.index import get_index
    from tests.directory.helpers import M9_4DH, add, listing

    add(listing("Walking group", at=M9_4DH), listing("Zumba", description="Bring a towel and water.", at=M9_4DH))
    index = get_index()
    assert read_as_meant(index, "Waking Group") == "walking group"
    assert read_as_meant(index, "lonley") == "lonely"  # an everyday phrase's word, though no listing has it
    assert read_as_meant(index, "towel") == ""  # in a description only: still a word listings use
    assert read_as_meant(index, "walking group") == ""
