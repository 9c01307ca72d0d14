"""The one directory search, used by the web pages and the API."""

import datetime as dt
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

import numpy as np
from django.utils import timezone

from kith.directory.models import Address, CostOption, Location, Schedule, Service
from kith.directory.prefetch import prefetch
from kith.directory.search import fulltext, ranking
from kith.directory.search.index import SearchIndex, get_index
from kith.geo.distance import bounding_box, haversine_m
from kith.geo.lookup import Place
from kith.geo.models import Area, AreaLevel

LONDON = ZoneInfo("Europe/London")
MIN_RADIUS_KM = 0.1
MAX_RADIUS_KM = 50.0
DEFAULT_RADIUS_KM = 2.0
PER_PAGE = 20


@dataclass(frozen=True)
class SearchQuery:
    words: str = ""
    place: Place | None = None
    radius_km: float = DEFAULT_RADIUS_KM
    category: str = ""
    day: int | None = None  # 0 = Monday
    open_now: bool = False
    free: bool = False
    age: int | None = None
    step_free: bool = False
    # With step_free: also show places with no accessibility record at all, marked "access not known".
    access_unknown_too: bool = False
    area: Area | None = None  # only listings inside this area
    scheduled: bool = False  # only listings that meet on some day of the week (what's on)
    sort: str = "relevance"  # or "distance"
    page: int = 1
    per_page: int = PER_PAGE


@dataclass
class Hit:
    service: Service
    location: Location | None
    distance_m: float | None
    score: float
    last_checked: dt.datetime | None
    access_known: bool = True


@dataclass
class SearchResult:
    query: SearchQuery
    total: int
    hits: list[Hit] = field(default_factory=list)
    # With step_free: listings left out only because their place has no accessibility record.
    access_unknown_left_out: int = 0
    # When the words as typed found nothing and a misspelling was read as a known word: what was typed.
    typed_words: str = ""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def search(query: SearchQuery, *, now: dt.datetime | None = None, as_typed: bool = False) -> SearchResult:
    """`as_typed`: never read a misspelt word as another (the person asked for their words exactly)."""
    index = get_index()
    rows, distance, score = rank(index, query, now=now or timezone.now())
    typed = ""
    if not len(rows) and query.words.strip() and not as_typed:
        corrected = index.spelling.correct(query.words)
        if corrected:
            fixed = replace(query, words=corrected)
            rows, distance, score = rank(index, fixed, now=now or timezone.now())
            if len(rows):
                typed, query = query.words, fixed
    start = (query.page - 1) * query.per_page
    page_rows = rows[start : start + query.per_page]
    hits = _hits(index, page_rows, distance, score[start : start + query.per_page] if len(score) else score)
    left_out = 0
    if query.step_free and not query.access_unknown_too:
        wider, _, _ = rank(index, replace(query, access_unknown_too=True), now=now or timezone.now())
        left_out = len(wider) - len(rows)
    return SearchResult(query=query, total=len(rows), hits=hits, access_unknown_left_out=left_out, typed_words=typed)


def rank(index: SearchIndex, query: SearchQuery, *, now: dt.datetime):
    """Row numbers of the best row per service, best first; with distances (or None) and scores."""
    # Listings whose every schedule has ended (a one-off event after its day) are no longer offered.
    mask = index.ends_on >= now.astimezone(LONDON).date().toordinal()
    if query.category:
        bit = index.category_bit.get(query.category)
        if bit is None:
            mask[:] = False
        else:
            mask &= (index.categories & (1 << bit)) != 0
    if query.day is not None:
        mask &= (index.days & (1 << query.day)) != 0
    if query.scheduled:
        mask &= index.days != 0
    if query.open_now:
        local = now.astimezone(LONDON)
        minute = local.hour * 60 + local.minute
        open_rows = np.zeros(len(index), dtype=bool)
        hit = (index.iv_day == local.weekday()) & (index.iv_start <= minute) & (minute < index.iv_end)
        open_rows[index.iv_row[hit]] = True
        mask &= open_rows
    if query.free:
        mask &= index.free
    if query.step_free:
        mask &= index.step_free | (query.access_unknown_too & ~index.access_known)
    if query.age is not None:
        mask &= (np.isnan(index.min_age) | (index.min_age <= query.age)) & (
            np.isnan(index.max_age) | (query.age <= index.max_age)
        )
    if query.area is not None:
        column = {
            AreaLevel.LSOA: index.lsoa,
            AreaLevel.WARD: index.ward,
            AreaLevel.LOCAL_AUTHORITY: index.local_authority,
        }.get(query.area.level)
        mask &= column == index.area_index(query.area.code) if column is not None else False

    text = None
    if query.words.strip():
        ids, scores = fulltext.match(query.words)
        order = np.argsort(ids)
        ids, scores = ids[order], scores[order]
        if len(ids):
            pos = np.minimum(np.searchsorted(ids, index.service_id), len(ids) - 1)
            found = ids[pos] == index.service_id
            text = np.where(found, scores[pos], 0.0)
        else:
            found = np.zeros(len(index), dtype=bool)
            text = np.zeros(len(index))
        mask &= found

    distance = None
    if query.place is not None:
        radius_m = query.radius_km * 1000
        min_lon, min_lat, max_lon, max_lat = bounding_box(query.place.lon, query.place.lat, radius_m)
        mask &= (index.lon >= min_lon) & (index.lon <= max_lon) & (index.lat >= min_lat) & (index.lat <= max_lat)
        candidates = np.flatnonzero(mask)
        distance = np.full(len(index), np.inf)
        distance[candidates] = haversine_m(
            query.place.lon, query.place.lat, index.lon[candidates], index.lat[candidates]
        )
        mask &= distance <= radius_m

    rows = np.flatnonzero(mask)
    age_days = (now.timestamp() - index.checked_at[rows]) / 86400.0
    fresh = ranking.freshness(age_days)
    near = ranking.proximity(distance[rows], query.radius_km * 1000) if distance is not None else None
    if query.sort == "distance" and distance is not None:
        score = -distance[rows]
    else:
        score = ranking.relevance(text[rows] if text is not None else None, near, fresh)
    best = ranking.best_per_group(index.service_id[rows], score)
    return rows[best], distance, score[best]


SCHEDULE_FIELDS = (
    "id", "uuid", "freq", "byday", "interval", "dtstart", "until", "count", "opens_at", "closes_at", "description",
)  # fmt: skip


ADDRESS_FIELDS = ("id", "location_id", "address_1", "city", "postal_code")


def _hits(index: SearchIndex, rows: np.ndarray, distance, scores) -> list[Hit]:
    """The page's services and places, in three queries plus their prefetches."""
    if len(rows) == 0:
        return []
    service_ids = [int(index.service_id[r]) for r in rows]
    location_ids = [int(index.location_id[r]) for r in rows if index.location_id[r] >= 0]
    # Only the columns result pages, feeds and what's on read: these rows are most of a page's cost.
    services = (
        Service.objects.select_related("organisation")
        .only("id", "uuid", "name", "description", "fees_description", "organisation__name")
        .prefetch_related(
            prefetch("schedules", Schedule.objects.only(*SCHEDULE_FIELDS, "service_id")),
            prefetch("cost_options", CostOption.objects.only("id", "service_id", "amount")),
        )
        .in_bulk(service_ids)
    )
    locations = (
        Location.objects.only("id", "name", "latitude", "longitude", "is_sensitive", "transportation")
        .prefetch_related(
            prefetch(
                "addresses",
                Address.objects.only("id", "location_id", "address_1", "address_2", "city", "postal_code").order_by(
                    "id"
                ),
            ),
            prefetch("schedules", Schedule.objects.only(*SCHEDULE_FIELDS, "location_id")),
        )
        .in_bulk(location_ids)
    )
    hits = []
    for r, score in zip(rows, scores, strict=True):
        sid = int(index.service_id[r])
        if sid not in services:  # deleted since the index was built
            continue
        checked = index.checked_at[r]
        hits.append(
            Hit(
                service=services[sid],
                location=locations.get(int(index.location_id[r])),
                distance_m=float(distance[r]) if distance is not None else None,
                score=float(score),
                last_checked=None if np.isnan(checked) else dt.datetime.fromtimestamp(checked, tz=dt.UTC),
                access_known=bool(index.access_known[r]),
            )
        )
    return hits


@dataclass
class CategoryCount:
    code: str
    services: int
    checked_recently: int  # checked in the last FRESH_FOR_DAYS days


FRESH_FOR_DAYS = 180


def area_category_counts(area: Area, *, now: dt.datetime | None = None) -> dict[str, CategoryCount]:
    """Active services inside an area per top-level want (exact counts: assets, not people)."""
    index = get_index()
    now = now or timezone.now()
    rows, _, _ = rank(index, SearchQuery(area=area), now=now)
    recent = (now.timestamp() - index.checked_at[rows]) / 86400.0 <= FRESH_FOR_DAYS
    counts = {}
    for code, bit in index.category_bit.items():
        offers = (index.categories[rows] & (1 << bit)) != 0
        counts[code] = CategoryCount(code, int(offers.sum()), int((offers & recent).sum()))
    return counts
