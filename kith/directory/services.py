"""Writes to the directory. Each keeps the search documents and the search index in step."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from kith.directory.models import (
    Attribute,
    ListingCheck,
    Location,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from kith.directory.search import fulltext
from kith.directory.search.index import mark_changed
from kith.geo.models import Area
from kith.geo.placing import area_placer


def search_documents(service_ids: Iterable[int]) -> list[tuple[int, str, str]]:
    """(service id, name, body) for each service: the text that full-text search matches."""
    ids = list(service_ids)
    services = list(
        Service.objects.filter(id__in=ids)
        .select_related("organisation")
        .only("id", "uuid", "name", "alternate_name", "description", "organisation__name")
    )
    terms = {t.id: t for t in TaxonomyTerm.objects.only("id", "name", "parent_id")}
    term_ids = defaultdict(list)
    for link_id, term_id in Attribute.objects.filter(
        link_entity="service", link_id__in=[s.uuid for s in services]
    ).values_list("link_id", "taxonomy_term_id"):
        term_ids[link_id].append(term_id)
    places = defaultdict(list)
    area_names = dict(Area.objects.without_geometry().exclude(level="lsoa").values_list("code", "name"))
    for sid, loc_name, ward, lad, addr, city, postcode in ServiceAtLocation.objects.filter(
        service_id__in=ids
    ).values_list(
        "service_id",
        "location__name",
        "location__ward_id",
        "location__local_authority_id",
        "location__addresses__address_1",
        "location__addresses__city",
        "location__addresses__postal_code",
    ):
        places[sid].extend(p for p in [loc_name, area_names.get(ward), area_names.get(lad), addr, city, postcode] if p)
    documents = []
    for service in services:
        words = [service.alternate_name, service.description, service.organisation.name]
        for term_id in term_ids[service.uuid]:
            term = terms.get(term_id)
            while term is not None:  # a term and its broader terms: "Walking groups", "Being active"
                words.append(term.name)
                term = terms.get(term.parent_id)
        words.extend(dict.fromkeys(places[service.id]))
        documents.append((service.id, service.name, " ".join(w for w in words if w)))
    return documents


@transaction.atomic
def services_changed(*, service_ids: Iterable[int], reindexed: bool = False) -> int:
    """Re-index the search documents of these services (unless done already) and tell every process's index."""
    ids = list(set(service_ids))
    count = 0 if reindexed else reindex_documents(ids)
    mark_changed(ids)
    return count


def reindex_documents(service_ids: Iterable[int]) -> int:
    """Write the full-text documents of these services again (removing those of services deleted)."""
    ids = list(set(service_ids))
    existing: set[int] = set()
    for start in range(0, len(ids), 2000):  # in slices: SQLite takes at most 250,000 values in one query
        existing.update(Service.objects.filter(id__in=ids[start : start + 2000]).values_list("id", flat=True))
    fulltext.remove_documents(set(ids) - existing)
    count = 0
    for start in range(0, len(ids), 2000):
        count += fulltext.index_documents(search_documents(ids[start : start + 2000]))
    return count


@transaction.atomic
def reindex_all() -> int:
    fulltext.clear()
    ids = list(Service.objects.values_list("id", flat=True))
    count = 0
    for start in range(0, len(ids), 2000):
        count += fulltext.index_documents(search_documents(ids[start : start + 2000]))
    mark_changed()
    return count


def services_at_locations(location_ids: Iterable[int]) -> list[int]:
    return list(
        ServiceAtLocation.objects.filter(location_id__in=list(location_ids)).values_list("service_id", flat=True)
    )


def place_locations(locations: list[Location]) -> None:
    """Set each location's LSOA, ward and local authority from its point (unsaved; caller saves)."""
    located = [loc for loc in locations if loc.latitude is not None and loc.longitude is not None]
    if not located:
        return
    placements = area_placer().place([loc.longitude for loc in located], [loc.latitude for loc in located])
    for loc, placement in zip(located, placements, strict=True):
        loc.lsoa_id, loc.ward_id, loc.local_authority_id = (placement.lsoa, placement.ward, placement.local_authority)


def place_all_locations(batch: int = 5000) -> int:
    """Place every location again, after new boundaries are loaded; the listings of those that moved are
    searched anew. Returns how many moved."""
    moved = []
    ids = list(Location.objects.filter(latitude__isnull=False, longitude__isnull=False).values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        locations = list(
            Location.objects.filter(pk__in=ids[start : start + batch]).only(
                "pk", "latitude", "longitude", "lsoa", "ward", "local_authority"
            )
        )
        before = {loc.pk: (loc.lsoa_id, loc.ward_id, loc.local_authority_id) for loc in locations}
        place_locations(locations)
        changed = [loc for loc in locations if before[loc.pk] != (loc.lsoa_id, loc.ward_id, loc.local_authority_id)]
        Location.objects.bulk_update(changed, ["lsoa", "ward", "local_authority"], batch_size=1000)
        moved += [loc.pk for loc in changed]
    if moved:
        mark_changed(services_at_locations(moved))
    return len(moved)


@transaction.atomic
def record_check(
    *,
    service: Service,
    checked_at: dt.datetime,
    method: str,
    role: str,
    user=None,
    note: str = "",
    public_note: str = "",
) -> ListingCheck:
    check = ListingCheck.objects.create(
        service=service, checked_at=checked_at, method=method, checked_by_role=role, checked_by=user, note=note,
        public_note=public_note,
    )  # fmt: skip
    mark_changed([service.pk])
    return check


@transaction.atomic
def taxonomy_changed() -> int:
    """After a term is added, renamed, moved or removed: every listing's wants and words may differ."""
    return reindex_all()
