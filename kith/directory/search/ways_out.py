"""When a search finds nothing: the nearest changes to it that do find something, each with how many it finds.

They are offered beside the empty result as other searches, never mixed into it: a wider distance, one filter
fewer, or fewer of the words. Each is one pass over the in-memory index.
"""

import datetime as dt
from dataclasses import dataclass, replace

from kith.directory.search.engine import MAX_RADIUS_KM, SearchQuery, rank
from kith.directory.search.fulltext import query_terms
from kith.directory.search.index import SearchIndex

# Words that find everything or nothing on their own: never offered as a search by themselves.
LITTLE_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "any",
        "are",
        "at",
        "for",
        "from",
        "get",
        "go",
        "help",
        "i",
        "in",
        "is",
        "it",
        "me",
        "my",
        "near",
        "of",
        "on",
        "or",
        "some",
        "somewhere",
        "something",
        "the",
        "there",
        "things",
        "to",
        "with",
        "you",
        "your",
    ]
)
FILTERS = [
    # (query attribute, the value that means "not filtered", the GET parameter, how people say it)
    ("free", False, "free", "free only"),
    ("day", None, "day", "that day"),
    ("open_now", False, "open_now", "open now"),
    ("age", None, "age", "that age"),
    ("step_free", False, "step_free", "step-free only"),
    ("category", "", "category", "that kind of thing"),
]


@dataclass(frozen=True)
class WayOut:
    label: str
    changes: dict  # GET parameters to set; None removes one
    count: int


def _count(index: SearchIndex, query: SearchQuery, now: dt.datetime) -> int:
    return len(rank(index, query, now=now)[0])


def ways_out(index: SearchIndex, query: SearchQuery, *, now: dt.datetime) -> list[WayOut]:
    """Other searches that find something, most specific first; an empty list when none does."""
    found = []
    if query.place is not None and query.radius_km < MAX_RADIUS_KM:
        wider = min(MAX_RADIUS_KM, max(5.0, round(query.radius_km * 2.5)))
        n = _count(index, replace(query, radius_km=wider), now)
        found.append(WayOut(f"Within {wider:g} km instead of {query.radius_km:g} km", {"radius": f"{wider:g}"}, n))
    for attribute, unset, parameter, said in FILTERS:
        if getattr(query, attribute) != unset:
            n = _count(index, replace(query, **{attribute: unset}), now)
            found.append(WayOut(f"Without “{said}”", {parameter: None}, n))
    words = [w for w in dict.fromkeys(query_terms(query.words)) if w not in LITTLE_WORDS and len(w) > 2]
    if len(words) > 1:
        for word in words:
            n = _count(index, replace(query, words=word), now)
            found.append(WayOut(f"Only the word “{word}”", {"q": word}, n))
    return [way for way in found if way.count]
