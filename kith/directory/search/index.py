"""An in-memory, column-wise copy of what search filters on, one row per service and place.

Filtering 100,000 rows by distance, category, day and flags is a few numpy operations; doing it
in SQL would mean trigonometry the databases cannot index. The copy is rebuilt when the
directory's token changes (see DirectoryState), so every process sees every write.
"""

import datetime as dt
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.db.models import Max

from kith.core.memory import freeze_long_lived
from kith.directory.models import (
    Accessibility,
    AccessibilityFeature,
    Attribute,
    CostOption,
    DirectoryState,
    Language,
    ListingCheck,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
)
from kith.directory.schedules import PART_BIT, minutes, parts_of_day, weekdays
from kith.directory.search.meaning import vocabulary
from kith.directory.search.spelling import Spelling
from kith.directory.taxonomy import OPENACTIVE_WANTS, WHAT_MATTERS


@dataclass
class SearchIndex:
    token: str
    service_id: np.ndarray
    location_id: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    categories: np.ndarray  # bit i set: the row offers want number i
    days: np.ndarray  # bit d set: runs on weekday d (0=Monday)
    # The day (ordinal) after which the row no longer happens: every schedule of it has ended; +inf when
    # open-ended or unscheduled. Compared with today at query time, so a one-off event drops out after
    # its day without the index being rebuilt.
    ends_on: np.ndarray
    free: np.ndarray
    cost_known: np.ndarray  # any cost is recorded (so "not free" means something)
    step_free: np.ndarray
    access_known: np.ndarray  # the place has any accessibility record (so "not step-free" means something)
    min_age: np.ndarray
    max_age: np.ndarray
    checked_at: np.ndarray  # seconds since the epoch; NaN if never checked
    parts: np.ndarray  # bits of schedules.PART_BIT: the parts of the day it runs in
    languages: np.ndarray  # bit language_bit[code] set: offered in that language
    lsoa: np.ndarray  # index into area_codes; -1 if none
    ward: np.ndarray
    local_authority: np.ndarray
    area_codes: list[str]
    area_positions: dict[str, int]
    category_bit: dict[str, int]
    language_bit: dict[str, int]
    # Every "what matters" want, top-level or finer, → the rows offering it, ascending. A person who
    # wants walking is matched on walking, not on all of "being active" (ADR 0004).
    term_rows: dict[str, np.ndarray] = field(default_factory=dict)
    # A top-level want → the rows offering it and none of its finer wants: a listing tagged only "Arts and
    # creativity" may well be the knitting someone asked for; one tagged "Singing" is not.
    broad_rows: dict[str, np.ndarray] = field(default_factory=dict)
    # Opening intervals: interval k is row iv_row[k], weekday iv_day[k], minutes iv_start..iv_end.
    iv_row: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    iv_day: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int8))
    iv_start: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int16))
    iv_end: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int16))
    # The words of listings' names and of the taxonomy, to read a misspelt query as what was meant.
    spelling: Spelling = field(default_factory=lambda: Spelling(frozenset(), ()))
    # What search's words scored over these rows, for the last few words asked (engine.word_scores).
    word_scores: dict = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.service_id)

    def offers(self, want: str, rows: np.ndarray) -> np.ndarray:
        """Whether each of `rows` offers the want (a "what matters" code at any level)."""
        return np.isin(rows, self.term_rows.get(want, np.empty(0, dtype=np.int64)), assume_unique=True)

    def area_index(self, code: str) -> int:
        # -2 matches no row: rows without an area hold -1.
        return self.area_positions.get(code, -2)


_lock = threading.Lock()
_cache: dict[str, SearchIndex] = {}


def current_token() -> str:
    return DirectoryState.objects.values_list("token", flat=True).first() or ""


def mark_changed() -> str:
    """Record that the directory changed; the next search in every process rebuilds its index."""
    token = uuid.uuid4().hex
    updated = DirectoryState.objects.filter(pk=1).update(token=token)
    if not updated:
        DirectoryState.objects.create(pk=1, token=token)
    return token


def get_index() -> SearchIndex:
    token = current_token()
    key = connection.settings_dict["NAME"].__str__()
    cached = _cache.get(key)
    if cached is not None and cached.token == token:
        return cached
    with _lock:
        cached = _cache.get(key)
        if cached is None or cached.token != token:
            cached = build_index(token)
            _cache[key] = cached
            freeze_long_lived()
    return cached


def category_bits() -> tuple[dict[str, int], dict[int, int]]:
    """Bit per top-level want, and for every term id the bit of its top-level ancestor."""
    terms = list(TaxonomyTerm.objects.values_list("id", "parent_id", "code", "taxonomy__source_id"))
    parent_of = {t[0]: t[1] for t in terms}
    tops = sorted(
        (t for t in terms if t[1] is None and t[3] == WHAT_MATTERS),
        key=lambda t: t[2],
    )
    bit_of_code = {t[2]: i for i, t in enumerate(tops)}
    bit_of_top_id = {t[0]: i for i, t in enumerate(tops)}
    bit_of_term: dict[int, int] = {}
    for term_id in parent_of:
        node, seen = term_id, 0
        while parent_of.get(node) is not None and seen < 50:
            node, seen = parent_of[node], seen + 1
        if node in bit_of_top_id:
            bit_of_term[term_id] = bit_of_top_id[node]
    return bit_of_code, bit_of_term


def wants_of_terms() -> dict[int, frozenset[str]]:
    """For every term id, the "what matters" wants (codes) a service tagged with it offers.

    A term offers itself and every want above it; an OpenActive activity also offers the Kith want
    that it or its nearest listed broader activity maps to (OPENACTIVE_WANTS), and that want's parent.
    """
    terms = {
        t[0]: t[1:] for t in TaxonomyTerm.objects.values_list("id", "parent_id", "code", "name", "taxonomy__source_id")
    }
    id_of_code = {code: pk for pk, (_, code, _, source) in terms.items() if source == WHAT_MATTERS}
    offered: dict[int, frozenset[str]] = {}

    def chain(term_id):
        node, seen = term_id, 0
        while node is not None and node in terms and seen < 50:
            yield node
            node, seen = terms[node][0], seen + 1

    for term_id in terms:
        codes: set[str] = set()
        mapped = None
        for node in chain(term_id):
            _, code, name, source = terms[node]
            if source == WHAT_MATTERS:
                codes.add(code)
            elif mapped is None:
                mapped = OPENACTIVE_WANTS.get(name)
        if mapped in id_of_code:
            codes.update(terms[n][1] for n in chain(id_of_code[mapped]))
        if codes:
            offered[term_id] = frozenset(codes)
    return offered


def broad_rows_of(term_rows: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    broad = {}
    for code, rows in term_rows.items():
        if "/" not in code:
            finer = [r for c, r in term_rows.items() if c.startswith(code + "/")]
            broad[code] = np.setdiff1d(rows, np.concatenate(finer), assume_unique=True) if finer else rows
    return broad


def build_index(token: str) -> SearchIndex:
    bit_of_code, bit_of_term = category_bits()
    wants_of = wants_of_terms()
    # One read of the active services: their ids, ages and the names the spelling vocabulary is made from.
    active = list(
        Service.objects.filter(status=ServiceStatus.ACTIVE).values_list(
            "uuid", "id", "minimum_age", "maximum_age", "name"
        )
    )
    services = {uuid_: sid for uuid_, sid, _, _, _ in active}
    ages = {sid: (lo, hi) for _, sid, lo, hi, _ in active}
    service_mask: dict[int, int] = defaultdict(int)
    service_wants: dict[int, set[str]] = defaultdict(set)
    for link_id, term_id in Attribute.objects.filter(link_entity="service").values_list("link_id", "taxonomy_term_id"):
        sid = services.get(link_id)
        if sid is not None and term_id in bit_of_term:
            service_mask[sid] |= 1 << bit_of_term[term_id]
        if sid is not None and term_id in wants_of:
            service_wants[sid].update(wants_of[term_id])

    placements = list(
        ServiceAtLocation.objects.filter(service__status=ServiceStatus.ACTIVE).values_list(
            "id",
            "service_id",
            "location_id",
            "location__longitude",
            "location__latitude",
            "location__lsoa_id",
            "location__ward_id",
            "location__local_authority_id",
        )
    )
    placed = {p[1] for p in placements}
    rows = placements + [(None, sid, None, None, None, None, None, None) for sid in ages if sid not in placed]
    rows.sort(key=lambda r: (r[1], r[2] or 0))

    today = dt.date.today()
    by_sal, by_service, by_location = defaultdict(list), defaultdict(list), defaultdict(list)
    for sal_id, sid, lid, freq, byday, opens, closes, valid_to, until in Schedule.objects.values_list(
        "service_at_location_id",
        "service_id",
        "location_id",
        "freq",
        "byday",
        "opens_at",
        "closes_at",
        "valid_to",
        "until",
    ):
        if valid_to and valid_to < today:
            continue
        rule = (weekdays(freq, byday), minutes(opens), minutes(closes), until.toordinal() if until else np.inf)
        if sal_id:
            by_sal[sal_id].append(rule)
        elif sid:
            by_service[sid].append(rule)
        elif lid:
            by_location[lid].append(rule)

    prices = defaultdict(list)
    for sid, amount in CostOption.objects.values_list("service_id", "amount"):
        prices[sid].append(amount)
    step_free_locations = set(
        Accessibility.objects.filter(feature=AccessibilityFeature.STEP_FREE).values_list("location_id", flat=True)
    )
    known_locations = set(Accessibility.objects.values_list("location_id", flat=True).distinct())
    language_bit: dict[str, int] = {}
    service_languages: dict[int, int] = defaultdict(int)
    for sid, code in Language.objects.filter(service__isnull=False).exclude(code="").values_list("service_id", "code"):
        code = code.lower()
        if code not in language_bit and len(language_bit) < 63:
            language_bit[code] = len(language_bit)
        if code in language_bit:
            service_languages[sid] |= 1 << language_bit[code]
    checked = dict(
        ListingCheck.objects.values("service_id").annotate(last=Max("checked_at")).values_list("service_id", "last")
    )

    area_codes: list[str] = []
    area_pos: dict[str, int] = {}

    def area(code):
        if code is None:
            return -1
        if code not in area_pos:
            area_pos[code] = len(area_codes)
            area_codes.append(code)
        return area_pos[code]

    n = len(rows)
    service_id = np.empty(n, dtype=np.int64)
    location_id = np.full(n, -1, dtype=np.int64)
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    categories = np.zeros(n, dtype=np.int64)
    days = np.zeros(n, dtype=np.int16)
    ends_on = np.full(n, np.inf)
    free = np.zeros(n, dtype=bool)
    cost_known = np.zeros(n, dtype=bool)
    step_free = np.zeros(n, dtype=bool)
    access_known = np.zeros(n, dtype=bool)
    min_age = np.full(n, np.nan)
    max_age = np.full(n, np.nan)
    checked_at = np.full(n, np.nan)
    parts = np.zeros(n, dtype=np.int8)
    languages = np.zeros(n, dtype=np.int64)
    lsoa = np.full(n, -1, dtype=np.int32)
    ward = np.full(n, -1, dtype=np.int32)
    lad = np.full(n, -1, dtype=np.int32)
    iv_row, iv_day, iv_start, iv_end = [], [], [], []
    rows_of_want: dict[str, list[int]] = defaultdict(list)

    for i, (sal_id, sid, lid, x, y, lsoa_code, ward_code, lad_code) in enumerate(rows):
        service_id[i] = sid
        if lid is not None:
            location_id[i] = lid
        if x is not None and y is not None:
            lon[i], lat[i] = x, y
        categories[i] = service_mask.get(sid, 0)
        for code in service_wants.get(sid, ()):
            rows_of_want[code].append(i)
        rules = by_sal.get(sal_id) or by_service.get(sid) or by_location.get(lid) or []
        mask = part_mask = 0
        if rules:
            ends_on[i] = max(rule[3] for rule in rules)
        for weekday_set, start, end, _ in rules:
            if start is not None and end is not None and end > start:
                part_mask |= sum(PART_BIT[p] for p in parts_of_day(start, end))
            for d in weekday_set:
                mask |= 1 << d
                if start is not None and end is not None and end > start:
                    iv_row.append(i)
                    iv_day.append(d)
                    iv_start.append(start)
                    iv_end.append(end)
        days[i] = mask
        parts[i] = part_mask
        languages[i] = service_languages.get(sid, 0)
        amounts = prices.get(sid)
        free[i] = bool(amounts) and all(a is not None and a == 0 for a in amounts)
        cost_known[i] = any(a is not None for a in amounts or ())
        step_free[i] = lid in step_free_locations
        access_known[i] = lid in known_locations
        lo, hi = ages[sid]
        if lo is not None:
            min_age[i] = lo
        if hi is not None:
            max_age[i] = hi
        last = checked.get(sid)
        if last is not None:
            checked_at[i] = last.timestamp()
        lsoa[i], ward[i], lad[i] = area(lsoa_code), area(ward_code), area(lad_code)

    term_rows = {code: np.asarray(found, dtype=np.int64) for code, found in rows_of_want.items()}
    return SearchIndex(
        token=token,
        service_id=service_id,
        location_id=location_id,
        lon=lon,
        lat=lat,
        categories=categories,
        days=days,
        ends_on=ends_on,
        free=free,
        cost_known=cost_known,
        step_free=step_free,
        access_known=access_known,
        min_age=min_age,
        max_age=max_age,
        checked_at=checked_at,
        parts=parts,
        languages=languages,
        lsoa=lsoa,
        ward=ward,
        local_authority=lad,
        area_codes=area_codes,
        area_positions=area_pos,
        category_bit=bit_of_code,
        language_bit=language_bit,
        term_rows=term_rows,
        broad_rows=broad_rows_of(term_rows),
        iv_row=np.asarray(iv_row, dtype=np.int64),
        iv_day=np.asarray(iv_day, dtype=np.int8),
        iv_start=np.asarray(iv_start, dtype=np.int16),
        iv_end=np.asarray(iv_end, dtype=np.int16),
        spelling=Spelling.from_texts(
            [
                *(name for *_, name in active),
                *TaxonomyTerm.objects.values_list("name", flat=True),
                *vocabulary().words(),
            ]
        ),
    )
