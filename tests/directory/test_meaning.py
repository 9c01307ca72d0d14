"""People's words to wants: the everyday vocabulary is data, every want has some, and it was not fitted to the
judged queries it is measured on."""

import csv
import json
from pathlib import Path

import pytest

from kith.directory.search.meaning import (
    LITTLE_WORDS,
    Vocabulary,
    content_words,
    understand,
    vocabulary,
    want_names,
    words_of,
)
from kith.directory.taxonomy import DATA_DIR

ROOT = Path(__file__).resolve().parents[2]


def _terms():
    spec = json.loads((DATA_DIR / "what_matters.json").read_text(encoding="utf-8"))
    return [t for top in spec["terms"] for t in [top, *top["children"]]]


def test_every_want_has_everyday_phrases_of_its_own():
    for term in _terms():
        phrases = term.get("everyday", [])
        assert len(phrases) >= 3, f"{term['code']} needs everyday phrases"
        assert len(set(phrases)) == len(phrases), f"{term['code']} repeats a phrase"
        named = [p for p in phrases if not content_words(words_of(p))]
        assert not named, f"{term['code']}: {named} are little words only and would never match"


def test_no_judged_query_is_in_the_vocabulary_word_for_word():
    phrases = {" ".join(words_of(p)) for t in _terms() for p in t.get("everyday", [])}
    for name in ("search-queries.csv", "search-queries-own.csv"):
        with (ROOT / "benchmarks" / name).open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                assert " ".join(words_of(row["query"])) not in phrases, f"{row['query']!r} is in the vocabulary"


@pytest.mark.parametrize(
    ("words", "wants"),
    [
        ("somewhere for a brew and a natter", {"social/coffee-mornings"}),
        ("skint", {"money"}),
        ("I'm a bloke, retired, bored", {"social/mens-sheds", "social"}),
        ("my toddler", {"families"}),
        ("get out of the house", {"social"}),  # the longer phrase wins "house" from housing
        ("walks", {"active/walking"}),  # any form of a word
        ("Libraries", {"learning/libraries"}),
        ("chair yoga", {"active/gentle-exercise"}),  # the finer want, not its parent too
        ("zumba", {"active"}),  # an OpenActive activity with no finer want of Kith's
        ("neighborhood center", {"social/community-centres"}),  # read as British
        ("counseling", {"mental-health/talking"}),  # American spelling read as British
        ("help with the", set()),  # little words name nothing
    ],
)
def test_everyday_words_name_wants(words, wants):
    assert set(understand(words).wants) == wants


def test_a_word_goes_to_the_most_specific_phrase_that_holds_it():
    meaning = understand("walking football")
    assert meaning.wants == {"active/sport": frozenset({0, 1})}
    assert meaning.words == ("walking", "football")


def test_little_words_are_left_out_and_apostrophes_joined():
    assert content_words(words_of("Can't find a men's group near me")) == ["find", "mens"]
    assert "help" in LITTLE_WORDS and "walking" not in LITTLE_WORDS


def test_a_phrase_of_little_words_only_is_left_out():
    found = Vocabulary.from_phrases([("things to do", "social"), ("cuppa", "social/coffee-mornings")])
    assert [p.text for p in found.phrases] == ["cuppa"]


def test_every_want_is_named():
    codes = {t["code"] for t in _terms()}
    assert set(want_names()) == codes
    assert {p.want for p in vocabulary().phrases} <= codes


def test_two_forms_of_one_word_are_both_read():
    assert understand("knit knitting").wants == {"arts/crafts": frozenset({0, 1})}
