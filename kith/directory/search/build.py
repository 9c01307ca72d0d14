"""Read the directory into a search index: all of it, or just some services to splice into a live index.

Every query runs in one snapshot (`snapshot`), so a build never sees half an import.
"""

import datetime as dt
from collections import defaultdict
from contextlib import contextmanager
from itertools import chain

import numpy as np
from django.db import connection, transaction
from django.db.models import Max, Q

from kith.directory.models import (
    Accessibility,
    AccessibilityFeature,
    AssetKind,
    Attribute,
    CostOption,
    DirectoryChange,
    Language,
    ListingCheck,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
)
from kith.directory.schedules import PART_BIT, minutes, parts_of_day, weekdays
from kith.directory.search.columns import SearchIndex, broad_rows_of
from kith.directory.search.delta import ROW_COLUMNS
from kith.directory.search.meaning import vocabulary
from kith.directory.search.spelling import Spelling
from kith.directory.taxonomy import OPENACTIVE_WANTS, WHAT_MATTERS


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


# A named public place (a library, a park) that a map without base tiles can show to orient by.
LANDMARK_KINDS = frozenset({AssetKind.PUBLIC_SERVICE, AssetKind.PUBLIC_SPACE})


def today() -> dt.date:
    return dt.date.today()


@contextmanager
def snapshot():
    """Run the build's queries in one transaction that sees one moment of the database.

    On SQLite a deferred transaction: a read snapshot that takes no write lock, where Kith's own
    transactions begin IMMEDIATE and would hold staff writes back for the whole build. PostgreSQL's
    default isolation gives each query its own snapshot, so the transaction asks for repeatable read.
    Inside an outer transaction (a test, a command's own) the outer one's view is the snapshot.
    """
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


# Most ids one query names (`IN (...)`): SQLite allows 32,766 bound values, PostgreSQL 65,535.
MOST_IDS_IN_A_QUERY = 10_000


def _within(field: str, between: tuple[int, int]) -> dict:
    """A filter on a foreign key between two ids (Django has no `range` lookup across relations)."""
    return {f"{field}__gte": between[0], f"{field}__lte": between[1]}


def _slices(rows, column: int):
    """The distinct values of one column of the rows, a query's worth at a time."""
    values = sorted({r[column] for r in rows if r[column] is not None})
    for start in range(0, len(values), MOST_IDS_IN_A_QUERY):
        yield values[start : start + MOST_IDS_IN_A_QUERY]


def service_id_of(rows) -> np.ndarray:
    return np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))


def stamps(service_ids: np.ndarray, version: int) -> np.ndarray:
    """Per row, the version at which its service last changed as far as the change log tells, never earlier.

    A change to everything (null services) stamps every row; changes older than the log kept (it is pruned
    after a day) are covered by stamping every row with the version just before the oldest kept.
    """
    log = list(DirectoryChange.objects.filter(version__lte=version).values_list("version", "services"))
    if not log:
        return np.full(len(service_ids), version, dtype=np.int64)
    floor = min(v for v, _ in log) - 1
    floor = max([floor, *(v for v, ids in log if ids is None)])
    last: dict[int, int] = {}
    for v, ids in log:
        if ids is not None and v > floor:
            for sid in ids:
                last[sid] = max(v, last.get(sid, 0))
    if not last:
        return np.full(len(service_ids), floor, dtype=np.int64)
    changed = np.fromiter(last, dtype=np.int64, count=len(last))
    at = np.fromiter(last.values(), dtype=np.int64, count=len(last))
    order = np.argsort(changed)
    changed, at = changed[order], at[order]
    position = np.minimum(np.searchsorted(changed, service_ids), len(changed) - 1)
    return np.where(changed[position] == service_ids, at[position], floor).astype(np.int64)


def build_index(
    token: str,
    version: int = 0,
    *,
    services=None,
    between: tuple[int, int] | None = None,
    base: SearchIndex | None = None,
) -> SearchIndex:
    """The index of the whole directory; or, given `services` (ids), of just their rows, to merge into `base`;
    or, given `between` (the first and last id), of the services in that range, to join to the others
    (`build_in_batches`).

    A part takes `base`'s area and language codes, extended with any it needs, so that its rows and
    `base`'s mean the same; and its spelling holds only its own listings' words.
    """
    part = services is not None or between is not None
    bit_of_code, bit_of_term = category_bits()
    wants_of = wants_of_terms()
    chosen = Service.objects.filter(status=ServiceStatus.ACTIVE)
    if services is not None:
        chosen = chosen.filter(id__in=list(services))
    elif between is not None:
        chosen = chosen.filter(id__gte=between[0], id__lte=between[1])
    # One read of the active services: their ids, ages and the names the spelling vocabulary is made from.
    active = list(chosen.values_list("uuid", "id", "minimum_age", "maximum_age", "name"))
    services_by_uuid = {uuid_: sid for uuid_, sid, _, _, _ in active}
    ages = {sid: (lo, hi) for _, sid, lo, hi, _ in active}
    service_mask: dict[int, int] = defaultdict(int)
    service_wants: dict[int, set[str]] = defaultdict(set)
    attributes = Attribute.objects.filter(link_entity="service")
    if part:
        attributes = attributes.filter(link_id__in=list(services_by_uuid))
    for link_id, term_id in attributes.values_list("link_id", "taxonomy_term_id").iterator(chunk_size=5000):
        sid = services_by_uuid.get(link_id)
        if sid is not None and term_id in bit_of_term:
            service_mask[sid] |= 1 << bit_of_term[term_id]
        if sid is not None and term_id in wants_of:
            service_wants[sid].update(wants_of[term_id])

    placed_at = ServiceAtLocation.objects.filter(service__status=ServiceStatus.ACTIVE)
    if services is not None:
        placed_at = placed_at.filter(service_id__in=list(ages))
    elif between is not None:
        placed_at = placed_at.filter(**_within("service_id", between))
    placements = list(
        placed_at.values_list(
            "id",
            "service_id",
            "location_id",
            "location__longitude",
            "location__latitude",
            "location__lsoa_id",
            "location__ward_id",
            "location__local_authority_id",
            "service__asset_kind",
            "location__is_sensitive",
            "location__name",
        )
    )
    placed = {p[1] for p in placements}
    unplaced = (None,) * 7 + (True, "")  # no place, so no point, areas, kind of place or name
    rows = placements + [(None, sid, *unplaced) for sid in ages if sid not in placed]
    rows.sort(key=lambda r: (r[1], r[2] or 0))

    today_ = today()
    fresh_until = np.inf
    fields = ("id", "service_at_location_id", "service_id", "location_id", "freq", "byday", "opens_at", "closes_at")
    fields += ("valid_from", "valid_to", "until")
    if services is not None:
        # Three look-ups by index, not one query with OR, which SQLite answers by reading every schedule.
        schedules = [
            Schedule.objects.filter(service_id__in=list(ages)).values_list(*fields),
            Schedule.objects.filter(service_at_location_id__in=[p[0] for p in placements]).values_list(*fields),
            Schedule.objects.filter(location_id__in=[p[2] for p in placements]).values_list(*fields),
        ]
    elif between is not None:
        schedules = [
            Schedule.objects.filter(
                Q(**_within("service_id", between)) | Q(**_within("service_at_location__service_id", between))
            ).values_list(*fields),
            *(Schedule.objects.filter(location_id__in=ids).values_list(*fields) for ids in _slices(placements, 2)),
        ]
    else:
        schedules = [Schedule.objects.values_list(*fields).iterator(chunk_size=5000)]
    by_sal, by_service, by_location = defaultdict(list), defaultdict(list), defaultdict(list)
    seen: set[int] = set()
    for schedule_id, sal_id, sid, lid, freq, byday, opens, closes, valid_from, valid_to, until in chain(*schedules):
        if part:  # a part may read a schedule for its service and again at its place
            if schedule_id in seen:
                continue
            seen.add(schedule_id)
        # A schedule outside its dates is left out, and the index is right until the next one starts or ends.
        if (valid_to and valid_to < today_) or (valid_from and valid_from > today_):
            if valid_from and valid_from > today_:
                fresh_until = min(fresh_until, valid_from.toordinal() - 1)
            continue
        if valid_to:
            fresh_until = min(fresh_until, valid_to.toordinal())
        rule = (weekdays(freq, byday), minutes(opens), minutes(closes), until.toordinal() if until else np.inf)
        if sal_id:
            by_sal[sal_id].append(rule)
        elif sid:
            by_service[sid].append(rule)
        elif lid:
            by_location[lid].append(rule)

    def of_services(queryset, field="service_id"):
        if between is not None:
            return queryset.filter(**_within(field, between))
        return queryset if services is None else queryset.filter(**{f"{field}__in": list(ages)})

    def at_places(queryset) -> list:
        if between is not None:  # a batch's places may be more than a query can name at once: a few queries
            return [row for ids in _slices(placements, 2) for row in queryset.filter(location_id__in=ids)]
        return list(queryset if services is None else queryset.filter(location_id__in=[p[2] for p in placements]))

    prices = defaultdict(list)
    for sid, amount in of_services(CostOption.objects).values_list("service_id", "amount"):
        prices[sid].append(amount)
    step_free_locations = set(
        at_places(
            Accessibility.objects.filter(feature=AccessibilityFeature.STEP_FREE).values_list("location_id", flat=True)
        )
    )
    known_locations = set(at_places(Accessibility.objects.values_list("location_id", flat=True).distinct()))
    language_bit: dict[str, int] = dict(base.language_bit) if base is not None else {}
    service_languages: dict[int, int] = defaultdict(int)
    languages_of = of_services(Language.objects.filter(service__isnull=False).exclude(code=""))
    for sid, code in languages_of.values_list("service_id", "code"):
        code = code.lower()
        if code not in language_bit and len(language_bit) < 63:
            language_bit[code] = len(language_bit)
        if code in language_bit:
            service_languages[sid] |= 1 << language_bit[code]
    checked = dict(
        of_services(ListingCheck.objects)
        .values("service_id")
        .annotate(last=Max("checked_at"))
        .values_list("service_id", "last")
    )

    area_codes: list[str] = list(base.area_codes) if base is not None else []
    area_pos: dict[str, int] = dict(base.area_positions) if base is not None else {}

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
    landmark = np.zeros(n, dtype=bool)
    # A part's services all changed in the version it is built for; a whole build reads the change log.
    stamp = np.full(n, version, dtype=np.int64) if part else stamps(service_id_of(rows), version)
    iv_row, iv_day, iv_start, iv_end = [], [], [], []
    rows_of_want: dict[str, list[int]] = defaultdict(list)

    for i, (sal_id, sid, lid, x, y, lsoa_code, ward_code, lad_code, kind, sensitive, place_name) in enumerate(rows):
        landmark[i] = kind in LANDMARK_KINDS and not sensitive and bool(place_name)
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
        landmark=landmark,
        stamp=stamp,
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
                *(TaxonomyTerm.objects.values_list("name", flat=True) if not part else ()),
                *(vocabulary().words() if not part else ()),
            ]
        ),
        version=version,
        fresh_until=fresh_until,
    )


# A whole build reads this many services at a time: its peak memory is then one batch's rows as Python objects,
# not the whole directory's (1.2 GB at England's 400,000 services read at once).
BATCH = 10_000


def build_in_batches(token: str, version: int = 0) -> SearchIndex:
    """The index of the whole directory, as `build_index` builds it, read BATCH services at a time."""
    ids = np.fromiter(
        Service.objects.filter(status=ServiceStatus.ACTIVE).order_by("id").values_list("id", flat=True).iterator(),
        dtype=np.int64,
    )
    if len(ids) <= BATCH:
        return build_index(token, version)
    parts: list[SearchIndex] = []
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        parts.append(
            build_index(token, version, between=(int(batch[0]), int(batch[-1])), base=parts[-1] if parts else None)
        )
    names = Service.objects.filter(status=ServiceStatus.ACTIVE).values_list("name", flat=True).iterator(chunk_size=5000)
    spelling = Spelling.from_texts(
        chain(names, TaxonomyTerm.objects.values_list("name", flat=True), vocabulary().words())
    )
    return _joined(parts, token, version, spelling)


def _joined(parts: list[SearchIndex], token: str, version: int, spelling: Spelling) -> SearchIndex:
    """Batches of the index, one after the other (each holds services after the last's), as one index."""
    offsets = np.cumsum([0, *(len(p) for p in parts[:-1])])
    columns = {name: np.concatenate([getattr(p, name) for p in parts]) for name in ROW_COLUMNS}
    columns["stamp"] = stamps(columns["service_id"], version)
    codes = sorted({code for p in parts for code in p.term_rows})
    term_rows = {
        code: np.concatenate(
            [p.term_rows[code] + at for p, at in zip(parts, offsets, strict=True) if code in p.term_rows]
        )
        for code in codes
    }
    last = parts[-1]  # its area and language codes extend every earlier batch's
    return SearchIndex(
        token=token,
        **columns,
        area_codes=last.area_codes,
        area_positions=last.area_positions,
        category_bit=last.category_bit,
        language_bit=last.language_bit,
        term_rows=term_rows,
        broad_rows=broad_rows_of(term_rows),
        iv_row=np.concatenate([p.iv_row + at for p, at in zip(parts, offsets, strict=True)]),
        iv_day=np.concatenate([p.iv_day for p in parts]),
        iv_start=np.concatenate([p.iv_start for p in parts]),
        iv_end=np.concatenate([p.iv_end for p in parts]),
        spelling=spelling,
        version=version,
        fresh_until=min(p.fresh_until for p in parts),
    )
