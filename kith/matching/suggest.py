"""Suggestions for a person: the directory ranked by how well each listing fits them."""

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.utils import timezone

from kith.directory.models import Service
from kith.directory.presenters import distance_text
from kith.directory.schedules import when_short
from kith.directory.search.index import get_index
from kith.directory.search.meaning import understand, want_names
from kith.directory.search.ranking import best_per_group
from kith.geo.distance import bounding_box, haversine_m
from kith.matching.scoring import Needs, reach_m, score_many
from kith.people.access import matching_needs
from kith.people.languages import language_name


@dataclass
class Suggestion:
    service: Service
    score: float
    distance_m: float
    reasons: list[str]
    where: str = ""  # the nearest place it meets
    # The same activity by the same organisation at other places: (place, distance text), nearest first.
    elsewhere: list[tuple[str, str]] = field(default_factory=list)


# What the ranking weighs, in the order and words the suggestions page states.
ORDER = (
    "how much they want it, then how near it is, how recently it was checked, and whether its times and language suit"
)
# How each barrier shapes suggestions; None where no listing data can answer it.
BARRIER_RULES = {
    "cost": "only free listings are suggested",
    "mobility": "only step-free places, within 800 m",
    "transport": "only places within 1.5 km",
    "time-of-day": "only listings at times they can go (or whose times are not known)",
    "caring": "only listings at times they can go (or whose times are not known)",
    "language": "listings in their language come first",
    "confidence": None,
    "digital": None,
}
UNANSWERED = {
    "confidence": "no listing says how big its group is or whether newcomers are welcomed: ask the organiser",
    "digital": "these are in-person activities; none needs a phone or computer to join",
}


def barrier_notes(barriers) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(barrier name, how it was taken into account) and (barrier name, what no data could answer)."""
    from kith.people.models import BarrierKind

    names = dict(BarrierKind.choices)
    used = [(names[b], BARRIER_RULES[b]) for b in sorted(barriers) if BARRIER_RULES.get(b)]
    open_ = [(names[b], UNANSWERED[b]) for b in sorted(barriers) if b in UNANSWERED]
    return used, open_


def needs_of(person) -> Needs:
    """What the person wants (at the level they named it, highest priority) and what gets in their way."""
    found = matching_needs(person)
    return Needs(
        wants=found.wants,
        barriers=found.barriers,
        languages=found.languages,
        parts_of_day=found.parts_of_day,
        finer=finer_wants(found.wants, found.words),
    )


OWN_WORDS = 200  # words of a person's or a need's own words read for the wants they name


def needs_in_words(want: str | None, barriers, words: str) -> Needs:
    """Needs for a want named by its code, narrowed by the words said about it (an enquiry's need)."""
    wants = {want: 1} if want else {}
    return Needs(wants=wants, barriers=frozenset(barriers), finer=finer_wants(wants, {c: words for c in wants}))


def finer_wants(wants, words: dict[str, str]) -> dict[str, frozenset[str]]:
    """For each want, the finer wants under it that the person's own words name, read as search reads words
    ("loves knitting and a natter", recorded under arts, names crafts)."""
    finer = {}
    for code, said in words.items():
        named = frozenset(w for w in understand(said, limit=OWN_WORDS).wants if w.startswith(code + "/"))
        if code in wants and named:
            finer[code] = named
    return finer


def suggest(person, *, limit: int = 20, now: dt.datetime | None = None) -> list[Suggestion]:
    """The best-fitting listings within reach of where the person lives, best first."""
    if person.lsoa_id is None or not person.postcode:
        return []
    from kith.geo.models import Postcode

    home = Postcode.objects.filter(postcode=person.postcode).values_list("lon", "lat").first()
    if home is None:
        return []
    return suggest_near(home, needs_of(person), limit=limit, now=now)


@dataclass
class NothingFits:
    """Why a person has no suggestions, so the page can say what to do next."""

    no_wants: bool = False
    no_place: bool = False
    without_limits: int = 0  # listings that would fit if what gets in the way did not narrow them
    search: str = ""  # the directory search for their first want near them


def nothing_fits(person) -> NothingFits:
    from urllib.parse import urlencode

    from kith.geo.models import Postcode

    needs = needs_of(person)
    home = Postcode.objects.filter(postcode=person.postcode).values_list("lon", "lat").first()
    found = NothingFits(no_wants=not needs.wants, no_place=home is None or person.lsoa_id is None)
    if found.no_wants or found.no_place:
        return found
    first = min(needs.wants, key=lambda code: (needs.wants[code], code))
    found.search = urlencode({"near": person.postcode, "category": first.split("/", 1)[0]})
    if needs.barriers:
        found.without_limits = len(suggest_near(home, Needs(wants=needs.wants), limit=50))
    return found


def suggest_near(
    home: tuple[float, float], needs: Needs, *, limit: int = 20, now: dt.datetime | None = None
) -> list[Suggestion]:
    """The best-fitting listings within reach of a point (a home, or a ward's centre for an enquiry)."""
    if not needs.wants:
        return []
    index = get_index()
    now = now or timezone.now()
    reach = reach_m(needs.barriers)
    min_lon, min_lat, max_lon, max_lat = bounding_box(home[0], home[1], reach)
    rows = np.flatnonzero(
        (index.lon >= min_lon) & (index.lon <= max_lon) & (index.lat >= min_lat) & (index.lat <= max_lat)
    )
    distance = haversine_m(home[0], home[1], index.lon[rows], index.lat[rows])
    scores = score_many(
        needs,
        distance_m=distance,
        offers={code: index.offers(code, rows) for code in {*needs.wants, *_finer_codes(needs)}},
        free=index.free[rows],
        step_free=index.step_free[rows],
        parts=index.parts[rows],
        languages=index.languages[rows],
        language_bit=index.language_bit,
        days_since_check=(now.timestamp() - index.checked_at[rows]) / 86400.0,
    )
    keep = ~np.isnan(scores)
    rows, distance, scores = rows[keep], distance[keep], scores[keep]
    # Several times the limit: one activity listed at several places folds into one suggestion below.
    best = best_per_group(index.service_id[rows], scores)[: limit * 4]
    services = (
        Service.objects.select_related("organisation")
        .only("id", "uuid", "name", "description", "organisation_id", "organisation__name")
        .in_bulk([int(index.service_id[rows[b]]) for b in best])
    )
    places = _places([int(index.location_id[rows[b]]) for b in best if index.location_id[rows[b]] >= 0])
    grouped: dict[tuple, Suggestion] = {}
    for b in best:
        row = rows[b]
        service = services.get(int(index.service_id[row]))
        if service is None:
            continue
        where = places.get(int(index.location_id[row]), "")
        key = (service.organisation_id, " ".join(service.name.lower().split()))
        found = grouped.get(key)
        if found is not None:
            found.elsewhere.append((float(distance[b]), where))
            continue
        if len(grouped) >= limit:
            continue
        grouped[key] = Suggestion(
            service,
            float(scores[b]),
            float(distance[b]),
            _reasons(index, row, float(distance[b]), needs, now),
            where=where,
        )
    for suggestion in grouped.values():
        suggestion.elsewhere = [(where, distance_text(metres)) for metres, where in sorted(suggestion.elsewhere)]
    return list(grouped.values())


def _finer_codes(needs: Needs) -> set[str]:
    return {f for finer in needs.finer.values() for f in finer}


def _places(location_ids: list[int]) -> dict[int, str]:
    from kith.directory.models import Location
    from kith.directory.public import public_place

    found = Location.objects.prefetch_related("addresses").in_bulk(location_ids)
    return {pk: public_place(location).text for pk, location in found.items()}


def _reasons(index, row: int, distance_m: float, needs: Needs, now: dt.datetime) -> list[str]:
    reasons = []
    for want in sorted(f for f in _finer_codes(needs) if index.offers(f, np.array([row]))[0]):
        reasons.append(f"{want_names().get(want, want)}, as their words say")
    if index.free[row]:
        reasons.append("free")
    reasons.append(distance_text(distance_m))
    when = when_short(int(index.days[row]), int(index.parts[row]))
    if when:
        reasons.append(when)
    if "mobility" in needs.barriers:
        reasons.append("step-free")
    spoken = [c for c, bit in index.language_bit.items() if index.languages[row] & (1 << bit) and c in needs.languages]
    reasons.extend(f"in {language_name(c)}" for c in spoken)
    checked = index.checked_at[row]
    if np.isnan(checked):
        reasons.append("not checked yet")
    else:
        from kith.directory.presenters import ago_text

        reasons.append(f"checked {ago_text(dt.datetime.fromtimestamp(checked, tz=dt.UTC), now)}")
    return reasons
