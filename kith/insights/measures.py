"""Measures that are not referral counts, per ward, per local authority and city-wide.

Counts of people go through disclosure control; counts of listings, groups and areas are exact.
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Q
from django.utils import timezone

from kith.core import disclosure
from kith.directory.search.index import get_index
from kith.enquiries.models import Enquiry
from kith.freshness.stale import age_days, by_area
from kith.insights import engine
from kith.matching.access import outcomes_by_ward
from kith.together.models import GroupOpportunity, Stage

CHECKED_WITHIN_DAYS = 183  # six months
NONE = "–"  # nothing to count or average yet; "*" always means 1 to 7, too few to show
SMALLEST_MEAN = disclosure.SMALLEST_SHOWN  # a mean of fewer people could point at someone


@dataclass
class Measures:
    code: str
    name: str
    connected: int | str
    sustained: int | str
    wellbeing_change: float | str
    wellbeing_people: int | str
    areas_meeting: int | None  # % of (LSOA, want) pairs meeting the adequacy standard
    listings: int
    checked: int | None  # % of listings checked by a person in the last six months
    groups_started: int
    groups_running: int
    enquiries_on_time: float | str  # % answered within the target


@dataclass
class Raw:
    connected: int = 0
    sustained: int = 0
    changes: tuple = ()
    pairs: int = 0
    meeting: int = 0
    listings: int = 0
    checked: int = 0
    groups_started: int = 0
    groups_running: int = 0
    answered: int = 0
    on_time: int = 0

    def __add__(self, other: "Raw") -> "Raw":
        return Raw(*(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__))


def _publish(code: str, name: str, raw: Raw) -> Measures:
    changes = list(raw.changes)
    return Measures(
        code=code,
        name=name,
        connected=disclosure.count(raw.connected),
        sustained=disclosure.count(raw.sustained),
        wellbeing_change=(
            NONE
            if not changes
            else round(float(np.mean(changes)), 1)
            if len(changes) >= SMALLEST_MEAN
            else disclosure.SUPPRESSED
        ),
        wellbeing_people=disclosure.count(len(changes)),
        areas_meeting=round(100 * raw.meeting / raw.pairs) if raw.pairs else None,
        listings=raw.listings,
        checked=round(100 * raw.checked / raw.listings) if raw.listings else None,
        groups_started=raw.groups_started,
        groups_running=raw.groups_running,
        enquiries_on_time=NONE if not raw.answered else disclosure.rate(raw.on_time, raw.answered, per=100, digits=0),
    )


def raw_by_ward() -> dict[str, Raw]:
    """Every measure's unrounded parts for every ward, each source read once."""
    raws: dict[str, Raw] = {}

    def get(ward: str) -> Raw:
        return raws.setdefault(ward, Raw())

    for ward, outcome in outcomes_by_ward().items():
        raw = get(ward)
        raw.connected, raw.sustained, raw.changes = (
            outcome["connected"],
            outcome["sustained"],
            tuple(outcome["changes"]),
        )

    report = engine.report()
    wards, position = np.unique(report.ward_of.astype(str), return_inverse=True)
    tops = [r for want, r in report.results.items() if "/" not in want]  # named levels would count twice
    pairs = np.bincount(position, minlength=len(wards)) * len(tops)
    meeting = sum(np.bincount(position, weights=r.meets, minlength=len(wards)) for r in tops)
    for i, ward in enumerate(wards):
        if ward and ward != "None":
            raw = get(str(ward))
            raw.pairs, raw.meeting = int(pairs[i]), int(meeting[i]) if tops else 0

    index = get_index()
    ages = age_days(index.checked_at, timezone.now().timestamp())
    counts = by_area(
        index.ward, index.service_id, ages, np.full(len(ages), float(CHECKED_WITHIN_DAYS)), len(index.area_codes)
    )
    for code, position in index.area_positions.items():
        if counts["listings"][position]:
            raw = get(code)
            raw.listings, raw.checked = int(counts["listings"][position]), int(counts["fresh"][position])

    for ward, started, running in (
        GroupOpportunity.objects.filter(listing__isnull=False)
        .order_by()
        .values("ward_id")
        .annotate(
            started=Count("id"),
            running=Count("id", filter=Q(stage__in=[Stage.RUNNING, Stage.HANDED_OVER], listing__status="active")),
        )
        .values_list("ward_id", "started", "running")
    ):
        raw = get(ward)
        raw.groups_started, raw.groups_running = started, running

    since = timezone.now() - dt.timedelta(days=365)
    for enquiry in Enquiry.objects.filter(status=Enquiry.Status.ANSWERED, asked_at__gte=since).only(
        "ward_id", "answered_at", "due_at"
    ):
        raw = get(enquiry.ward_id)
        raw.answered += 1
        raw.on_time += enquiry.answered_at <= enquiry.due_at
    return raws


def measures(
    local_authority, wards: list[tuple[str, str]], *, city_name: str
) -> tuple[list[Measures], Measures, Measures]:
    """(a row per ward, the local authority's row, the city-wide row), totals from unrounded parts."""
    raws = raw_by_ward()
    rows = [_publish(code, name, raws.get(code, Raw())) for code, name in wards]
    la_raw = sum((raws.get(code, Raw()) for code, _ in wards), Raw())
    city_raw = sum(raws.values(), Raw())
    return rows, _publish(local_authority.code, local_authority.name, la_raw), _publish("", city_name, city_raw)
