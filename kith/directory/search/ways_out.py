"""When a search finds nothing: the nearest changes to it that do find something, each with how many it finds.

They are offered beside the empty result as other searches, never mixed into it: a wider distance, one filter
fewer, or anything for the broader want the words name. Each is one pass over the in-memory index.
"""

import datetime as dt
from dataclasses import dataclass, replace

from kith.directory.search.engine import MAX_RADIUS_KM, SearchQuery, rank
from kith.directory.search.index import SearchIndex
from kith.directory.search.meaning import understand

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
    return len(rank(index, query, now=now).rows)


def ways_out(
    index: SearchIndex, query: SearchQuery, *, now: dt.datetime, names: dict[str, str] | None = None
) -> list[WayOut]:
    """Other searches that find something, most specific first; an empty list when none does. `names`: the
    top-level wants' names, to offer the broader want the words most likely mean."""
    names = names or {}
    found = []
    if query.place is not None and query.radius_km < MAX_RADIUS_KM:
        wider = min(MAX_RADIUS_KM, max(5.0, round(query.radius_km * 2.5)))
        n = _count(index, replace(query, radius_km=wider), now)
        found.append(WayOut(f"Within {wider:g} km instead of {query.radius_km:g} km", {"radius": f"{wider:g}"}, n))
    for attribute, unset, parameter, said in FILTERS:
        if getattr(query, attribute) != unset:
            n = _count(index, replace(query, **{attribute: unset}), now)
            if attribute == "category" and query.category in names:
                said = names[query.category]  # "Without “Nature and green space”", not "that kind of thing"
            found.append(WayOut(f"Without “{said}”", {parameter: None}, n))
    meaning = understand(query.words) if query.words.strip() else None
    for top in dict.fromkeys(want.split("/", 1)[0] for want in (meaning.wants if meaning else ())):
        if top != query.category and top in names:
            n = _count(index, replace(query, words="", category=top), now)
            found.append(WayOut(f"Anything for “{names[top]}”", {"q": None, "category": top}, n))
    return [way for way in found if way.count]
