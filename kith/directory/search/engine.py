"""The one directory search, used by the web pages and the API."""

import datetime as dt
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

import numpy as np
from django.utils import timezone

from kith.directory.models import Address, CostOption, Location, Schedule, Service
from kith.directory.prefetch import prefetch
from kith.directory.search import fulltext, ranking
from kith.directory.search.columns import rows_of_services
from kith.directory.search.index import SearchIndex, get_index
from kith.directory.search.meaning import Meaning, understand, vocabulary, words_of
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
    # With free, day or open_now: also show listings with no cost, or no times, recorded, marked "not known".
    unknown_too: bool = False
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
    cost_known: bool = True
    times_known: bool = True
    matched_in: str = ""  # "name" or "listing": where every word is
    wants: tuple[str, ...] = ()  # the wants the words named that it offers
    # The same service's other places within reach, nearest first: (place, metres or None).
    elsewhere: list[tuple[Location, float | None]] = field(default_factory=list)


@dataclass
class SearchResult:
    query: SearchQuery
    total: int
    hits: list[Hit] = field(default_factory=list)
    # With step_free: listings left out only because their place has no accessibility record.
    access_unknown_left_out: int = 0
    # With free, day or open_now: listings left out only because their cost or times are not recorded.
    unknown_left_out: int = 0
    # When a word no listing holds was read as the nearest word listings use: the words as typed.
    typed_words: str = ""
    meaning: Meaning | None = None  # what the words were read as
    index: SearchIndex | None = field(default=None, repr=False, compare=False)  # the index it was found in
    page_rows: np.ndarray | None = field(default=None, repr=False, compare=False)  # the page's rows in it
    _ranked: "Ranked | None" = field(default=None, repr=False, compare=False)  # until with_hits reads the page
    _scores: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def search(query: SearchQuery, *, now: dt.datetime | None = None, as_typed: bool = False) -> SearchResult:
    """`as_typed`: never read a misspelt word as another (the person asked for their words exactly)."""
    return with_hits(find(query, now=now, as_typed=as_typed))


def find(query: SearchQuery, *, now: dt.datetime | None = None, as_typed: bool = False) -> SearchResult:
    """What `search` finds, without reading the page's listings from the database (`with_hits` does)."""
    index = get_index()
    now = now or timezone.now()
    query, typed = _as_meant(index, query, as_typed)
    ranked = rank(index, query, now=now)
    start = (query.page - 1) * query.per_page
    page_rows = ranked.rows[start : start + query.per_page]
    left_out = unknown_left_out = 0
    if query.step_free and not query.access_unknown_too:
        wider = rank(index, replace(query, access_unknown_too=True), now=now)
        left_out = len(wider.rows) - len(ranked.rows)
    if (query.free or query.day is not None or query.open_now) and not query.unknown_too:
        wider = rank(index, replace(query, unknown_too=True), now=now)
        unknown_left_out = len(wider.rows) - len(ranked.rows)
    return SearchResult(
        query=query,
        total=len(ranked.rows),
        access_unknown_left_out=left_out,
        unknown_left_out=unknown_left_out,
        typed_words=typed,
        meaning=ranked.meaning,
        index=index,
        page_rows=page_rows,
        _ranked=ranked,
        _scores=ranked.score[start : start + query.per_page],
    )


def with_hits(result: SearchResult) -> SearchResult:
    """The result with its page's listings and places read from the database."""
    if result._ranked is not None:
        result.hits = _hits(result.index, result.query, result._ranked, result.page_rows, result._scores)
        result._ranked = result._scores = None
    return result


def service_ids(query: SearchQuery, *, now: dt.datetime | None = None) -> list[int]:
    """Every matching service's id, best first, for callers that page it themselves (the ORUK API)."""
    index = get_index()
    query, _ = _as_meant(index, query, False)
    ranked = rank(index, query, now=now or timezone.now())
    return index.service_id[ranked.rows].tolist()


def _as_meant(index: SearchIndex, query: SearchQuery, as_typed: bool) -> tuple[SearchQuery, str]:
    """The query with misspelt words read as meant, and the words as typed ("" if none was)."""
    if query.words.strip() and not as_typed:
        corrected = read_as_meant(index, query.words)
        if corrected:
            return replace(query, words=corrected), query.words
    return query, ""


def read_as_meant(index: SearchIndex, text: str) -> str:
    """The words with each one that no listing, name or everyday phrase holds read as the nearest word that
    one does ("waking group" → "walking group"); "" when every word is known."""
    fixes = {}
    for word in understand(text).words:
        if word in index.spelling.known or vocabulary().knows(word) or fulltext.has_word(word):
            continue
        nearest = index.spelling.nearest(word)
        if nearest:
            fixes[word] = nearest
    return " ".join(fixes.get(w, w) for w in words_of(text)) if fixes else ""


@dataclass
class Ranked:
    rows: np.ndarray  # the best row of each service, best first
    distance: np.ndarray | None  # per index row: metres from the place asked about
    score: np.ndarray  # per ranked row
    found_in: np.ndarray | None = None  # per index row: 2 every word in the name, 1 in the document, 0 not
    meaning: Meaning | None = None
    passed: np.ndarray | None = None  # per index row: it meets every filter (any place of a service may)


def rank(index: SearchIndex, query: SearchQuery, *, now: dt.datetime) -> Ranked:
    """The best row per service, best first; with distances (or None) and scores."""
    # Listings whose every schedule has ended (a one-off event after its day) are no longer offered.
    mask = index.ends_on >= now.astimezone(LONDON).date().toordinal()
    if query.category:
        bit = index.category_bit.get(query.category)
        if bit is None:
            mask[:] = False
        else:
            mask &= (index.categories & (1 << bit)) != 0
    # A filter on cost or times never silently hides a listing that records none: with unknown_too it is shown.
    unknown = query.unknown_too
    if query.day is not None:
        mask &= ((index.days & (1 << query.day)) != 0) | (unknown & (index.days == 0))
    if query.scheduled:
        mask &= index.days != 0
    if query.open_now:
        local = now.astimezone(LONDON)
        minute = local.hour * 60 + local.minute
        open_rows = np.zeros(len(index), dtype=bool)
        hit = (index.iv_day == local.weekday()) & (index.iv_start <= minute) & (minute < index.iv_end)
        open_rows[index.iv_row[hit]] = True
        if unknown:
            with_hours = np.zeros(len(index), dtype=bool)
            with_hours[index.iv_row] = True
            open_rows |= ~with_hours
        mask &= open_rows
    if query.free:
        mask &= index.free | (unknown & ~index.cost_known)
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

    text = found_in = meaning = None
    if query.words.strip():
        meaning = understand(query.words)
        if meaning.words:
            text, found_in = word_scores(index, meaning)
            mask &= text > 0
        else:  # nothing but punctuation or symbols: no words to find
            mask[:] = False

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
    return Ranked(rows[best], distance, score[best], found_in, meaning, mask)


def _per_row(index: SearchIndex, ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per index row: the value given for its service's id, or 0 where its service is not among the ids."""
    found = np.zeros(len(index), dtype=values.dtype)
    rows, at = rows_of_services(index.service_id, ids)
    found[rows] = values[at]
    return found


STRAY_WORD = 0.5  # a word no phrase names, in a listing that lacks some other word of the query
BROAD_WANT = 0.5  # a listing tagged only with the broader want of the one a word names
ENOUGH_OF_THE_WORDS = 0.5  # the share of the words a listing must meet, in any way, to be found


SCORES_KEPT = 8  # a page asks the same words several times (its ways out, what unknown data left out)


def word_scores(index: SearchIndex, meaning: Meaning) -> tuple[np.ndarray, np.ndarray]:
    """`_word_scores`, kept with the index for the last few words asked of it."""
    kept = index.word_scores
    key = (meaning.words, frozenset(meaning.wants.items()))
    found = kept.get(key)
    if found is None:
        found = _word_scores(index, meaning)
        if len(kept) >= SCORES_KEPT:
            kept.pop(next(iter(kept)), None)
        kept[key] = found
    return found


def _word_scores(index: SearchIndex, meaning: Meaning) -> tuple[np.ndarray, np.ndarray]:
    """How well each row meets the words, from 0 (not at all) to 1; and where every word was found.

    Half is what the words mean: for each word, whether the row offers a want the word names (BROAD_WANT if
    it offers only the broader want), or, for a word no phrase names, whether its listing holds every word
    or, when no listing anywhere does, this word (STRAY_WORD); the words weighted by how few rows meet them,
    as a rare word says more ("dementia" more than "café"). Half is where the words are: all in its name
    (1), all somewhere in its listing (½), or not all (0). A row that holds not every word must meet
    ENOUGH_OF_THE_WORDS of them, one of them a word that names a want if any does, or it scores 0."""
    n, k = len(index), len(meaning.words)
    ids, scores = fulltext.match(meaning.text)
    found_rows, found_at = rows_of_services(index.service_id, ids)
    named = sorted({p for positions in meaning.wants.values() for p in positions})
    # Only the rows some word meets can score: the sums below run over those (a few thousand), not every row.
    meeting: dict[int, list[tuple[np.ndarray, float]]] = {p: [] for p in range(k)}
    for want, positions in meaning.wants.items():
        offering = index.term_rows.get(want)
        broad = index.broad_rows.get(want.split("/", 1)[0]) if "/" in want else None
        for p in positions:
            if broad is not None:
                meeting[p].append((broad, BROAD_WANT))
            if offering is not None:
                meeting[p].append((offering, 1.0))
    for p in range(k):
        if p not in named:
            if len(ids) or k == 1:  # some listing holds every word: a word alone is not enough (AND first)
                meeting[p].append((found_rows, 1.0))
            else:  # none does: listings holding some of the words (then OR, below those that mean them)
                meeting[p].append(
                    (rows_of_services(index.service_id, fulltext.ids_with(meaning.words[p]))[0], STRAY_WORD)
                )
    # Their union through a mask over every row: cheaper than sorting or hashing them (want rows run to tens of
    # thousands at England's size), and `position` then finds each one's place among them without a search.
    meets = np.zeros(n, dtype=bool)
    meets[found_rows] = True
    for met_by in meeting.values():
        for which, _ in met_by:
            meets[which] = True
    rows = np.flatnonzero(meets)
    position = np.empty(n, dtype=np.int64)
    position[rows] = np.arange(len(rows))
    found_here = np.zeros(len(rows), dtype=np.int8)
    found_here[position[found_rows]] = scores[found_at]
    met = np.zeros((k, len(rows)))
    for p, met_by in meeting.items():
        for which, value in met_by:  # broader wants first, so a finer want's 1.0 wins over them
            at = position[which]
            met[p, at] = np.maximum(met[p, at], value)
    weight = np.log1p(n / (1.0 + np.count_nonzero(met, axis=1)))
    meant = weight @ met / weight.sum() if weight.sum() > 0 else np.zeros(len(rows))
    here = 0.5 * meant + 0.5 * found_here / fulltext.NAME_MATCH
    # A listing that holds only a stray word or two of many ("basket" of "underwater basket weaving") is no
    # match, nor one that meets only words the vocabulary does not name when others name a want ("Bolton" of
    # "knitting Bolton"). Numbers do not count: "3" is in too many listings to say anything.
    counted = [p for p, w in enumerate(meaning.words) if not w.isdigit()] or list(range(k))
    enough = (met[counted] > 0).mean(axis=0) >= ENOUGH_OF_THE_WORDS
    if named:
        enough &= (met[named] > 0).any(axis=0)
    score, found_in = np.zeros(n), np.zeros(n, dtype=np.int8)
    score[rows] = np.where((found_here > 0) | enough, here, 0.0)
    found_in[rows] = found_here
    return score, found_in


SCHEDULE_FIELDS = (
    "id", "uuid", "freq", "byday", "interval", "dtstart", "until", "count", "opens_at", "closes_at", "description",
)  # fmt: skip


ADDRESS_FIELDS = ("id", "location_id", "address_1", "city", "postal_code")
ELSEWHERE = 5  # other places named under one result


def _hits(index: SearchIndex, query: SearchQuery, ranked: Ranked, rows: np.ndarray, scores) -> list[Hit]:
    """The page's services and places (with each service's other places in reach), in three queries plus
    their prefetches."""
    if len(rows) == 0:
        return []
    distance = ranked.distance
    service_ids = [int(index.service_id[r]) for r in rows]
    others = np.flatnonzero(np.isin(index.service_id, service_ids))
    others = others[~np.isin(others, rows) & (index.location_id[others] >= 0) & ranked.passed[others]]
    if distance is not None:
        others = others[np.argsort(distance[others], kind="stable")]
    elsewhere: dict[int, list[int]] = {}
    for r in others:
        found = elsewhere.setdefault(int(index.service_id[r]), [])
        if len(found) < ELSEWHERE:
            found.append(int(r))
    location_ids = [int(index.location_id[r]) for r in rows if index.location_id[r] >= 0]
    location_ids += [int(index.location_id[r]) for found in elsewhere.values() for r in found]
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
        meaning = ranked.meaning
        hits.append(
            Hit(
                service=services[sid],
                location=locations.get(int(index.location_id[r])),
                distance_m=float(distance[r]) if distance is not None else None,
                score=float(score),
                last_checked=None if np.isnan(checked) else dt.datetime.fromtimestamp(checked, tz=dt.UTC),
                access_known=bool(index.access_known[r]),
                cost_known=bool(index.cost_known[r]),
                times_known=bool(index.days[r] != 0) and (not query.open_now or bool(np.isin(r, index.iv_row))),
                matched_in={2: "name", 1: "listing"}.get(int(ranked.found_in[r]), "")
                if ranked.found_in is not None
                else "",
                wants=tuple(w for w in meaning.wants if index.offers(w, np.array([r]))[0]) if meaning else (),
                elsewhere=[
                    (locations[int(index.location_id[o])], float(distance[o]) if distance is not None else None)
                    for o in elsewhere.get(sid, [])
                    if int(index.location_id[o]) in locations
                ],
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
    rows = rank(index, SearchQuery(area=area), now=now).rows
    recent = (now.timestamp() - index.checked_at[rows]) / 86400.0 <= FRESH_FOR_DAYS
    counts = {}
    for code, bit in index.category_bit.items():
        offers = (index.categories[rows] & (1 << bit)) != 0
        counts[code] = CategoryCount(code, int(offers.sum()), int((offers & recent).sum()))
    return counts
