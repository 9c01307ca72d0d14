"""How well a listing fits a person: a pure function, and the same rule over numpy arrays.

A suggestion is left out when it cannot work for the person (beyond their reach, not free when
cost is a barrier, not step-free when mobility is, at times they cannot go) and otherwise scored
by how much they want it, how near and how fresh it is, and whether the time and language suit.
A link worker chooses among the suggestions; nothing here decides anything for anyone.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from kith.directory.schedules import PART_BIT
from kith.directory.search.ranking import freshness

BASE_REACH_M = 3000.0
# A barrier shrinks how far suggestions may be; the smallest reach applies.
REACH_M = {"mobility": 800.0, "transport": 1500.0}
PRIORITY_WEIGHT = {1: 1.0, 2: 0.7, 3: 0.4}
WEIGHTS = {"want": 0.40, "near": 0.25, "fresh": 0.15, "time": 0.10, "language": 0.10}
# Where the person's own words name a finer want ("loves knitting" under arts), a listing that offers the
# want but not what their words named counts this much of the want's weight.
NOT_WHAT_THEY_SAID = 0.7
TIME_BARRIERS = {"time-of-day", "caring"}


@dataclass(frozen=True)
class Needs:
    wants: Mapping[str, int]  # want code, at the level the person named it → priority (1 high, 3 low)
    barriers: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()  # languages the person needs, if not English
    parts_of_day: frozenset[str] = frozenset()  # when they can go; empty means any time
    # Want code → the finer wants under it that the person's own words name (search's reading of words).
    finer: Mapping[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Offer:
    """One listing at one place, as the person would meet it."""

    distance_m: float
    categories: frozenset[str]  # every want it offers, at every level ("active/walking" and "active")
    free: bool
    step_free: bool
    parts_of_day: frozenset[str]  # when it runs; empty means not known
    languages: frozenset[str]
    days_since_check: float | None


@dataclass(frozen=True)
class Fit:
    score: float
    want: str  # the want it meets best


def reach_m(barriers: frozenset[str]) -> float:
    return min([BASE_REACH_M, *(REACH_M[b] for b in barriers if b in REACH_M)])


def score(needs: Needs, offer: Offer) -> Fit | None:
    """The fit of one offer, or None when it cannot work for this person."""
    matched = [
        (PRIORITY_WEIGHT[p] * _said(needs, code, offer.categories), code)
        for code, p in needs.wants.items()
        if code in offer.categories
    ]
    if not matched:
        return None
    reach = reach_m(needs.barriers)
    if offer.distance_m > reach:
        return None
    if "cost" in needs.barriers and not offer.free:
        return None
    if "mobility" in needs.barriers and not offer.step_free:
        return None
    time_fit = _time_fit(needs, offer.parts_of_day)
    if time_fit == 0.0 and needs.barriers & TIME_BARRIERS:
        return None
    want_weight, want = max(matched, key=lambda m: (m[0], m[1]))
    fresh = float(freshness(np.array([np.nan if offer.days_since_check is None else offer.days_since_check]))[0])
    language = 1.0 if not needs.languages or needs.languages & offer.languages else 0.0
    total = (
        WEIGHTS["want"] * want_weight
        + WEIGHTS["near"] * max(0.0, 1.0 - offer.distance_m / reach)
        + WEIGHTS["fresh"] * fresh
        + WEIGHTS["time"] * time_fit
        + WEIGHTS["language"] * language
    )
    return Fit(score=total, want=want)


def _said(needs: Needs, code: str, categories: frozenset[str]) -> float:
    finer = needs.finer.get(code)
    return 1.0 if not finer or finer & categories else NOT_WHAT_THEY_SAID


def _time_fit(needs: Needs, parts: frozenset[str]) -> float:
    if not needs.parts_of_day:
        return 1.0
    if not parts:
        return 0.5  # not known: neither counts for nor against
    return 1.0 if needs.parts_of_day & parts else 0.0


def score_many(
    needs: Needs,
    *,
    distance_m: np.ndarray,
    offers: Mapping[str, np.ndarray],
    free: np.ndarray,
    step_free: np.ndarray,
    parts: np.ndarray,
    languages: np.ndarray,
    language_bit: Mapping[str, int],
    days_since_check: np.ndarray,
) -> np.ndarray:
    """`score` over arrays of offers: the score of each, or NaN where it cannot work.

    `offers` maps each want code of `needs`, and each finer want in `needs.finer`, to whether each offer
    offers it.
    """
    n = len(distance_m)
    want_weight = np.zeros(n)
    for code, priority in needs.wants.items():
        offered = offers.get(code)
        if offered is not None:
            weight = np.full(n, PRIORITY_WEIGHT[priority])
            finer = [offers[f] for f in needs.finer.get(code, ()) if f in offers]
            if needs.finer.get(code):
                said = np.logical_or.reduce(finer) if finer else np.zeros(n, dtype=bool)
                weight = np.where(said, weight, weight * NOT_WHAT_THEY_SAID)
            want_weight = np.where(offered, np.maximum(want_weight, weight), want_weight)
    reach = reach_m(needs.barriers)
    ok = (want_weight > 0) & (distance_m <= reach)
    if "cost" in needs.barriers:
        ok &= free
    if "mobility" in needs.barriers:
        ok &= step_free
    if needs.parts_of_day:
        wanted = sum(PART_BIT[p] for p in needs.parts_of_day)
        time_fit = np.where(parts == 0, 0.5, np.where((parts & wanted) != 0, 1.0, 0.0))
    else:
        time_fit = np.ones(n)
    if needs.barriers & TIME_BARRIERS:
        ok &= time_fit > 0
    if needs.languages:
        wanted_languages = sum(1 << language_bit[c] for c in needs.languages if c in language_bit)
        language = ((languages & wanted_languages) != 0).astype(float)
    else:
        language = np.ones(n)
    total = (
        WEIGHTS["want"] * want_weight
        + WEIGHTS["near"] * np.clip(1.0 - distance_m / reach, 0.0, 1.0)
        + WEIGHTS["fresh"] * freshness(days_since_check)
        + WEIGHTS["time"] * time_fit
        + WEIGHTS["language"] * language
    )
    return np.where(ok, total, np.nan)
