"""The area this Kith covers, in words: `KITH_AREA_NAME`, or what the loaded geography says it is.

Read once per process and forgotten when a geography is loaded: every page names it, and it changes only
with a load (a server started before another process loaded new areas names the old ones until restarted).
"""

import csv
from functools import cache
from pathlib import Path

from django.conf import settings

FALLBACK = "the area this Kith covers"
COUNTIES = Path(__file__).resolve().parent / "data" / "counties_lad25.csv"
MOST_NAMED = 3  # more places than this read as a list, not a name: set KITH_AREA_NAME


def area_name() -> str:
    """`KITH_AREA_NAME`; else the combined authorities and the local authorities outside them, by name."""
    return settings.KITH_AREA_NAME or _loaded_name()


def spoken(name: str) -> str:
    """ONS's "Bristol, City of" as people say it: "City of Bristol"."""
    place, comma, title = name.partition(", ")
    return f"{title} {place}" if comma and title.endswith(" of") else name


def joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@cache
def _loaded_name() -> str:
    from kith.geo.models import Area, AreaLevel

    areas = Area.objects.without_geometry()
    combined = list(areas.filter(level=AreaLevel.COMBINED_AUTHORITY))
    # A combined authority's boroughs lie within its bounds; an authority loaded besides lies elsewhere.
    alone = [
        authority
        for authority in areas.filter(level=AreaLevel.LOCAL_AUTHORITY)[: 50 + MOST_NAMED]
        if not any(
            ca.min_lon <= authority.centroid_lon <= ca.max_lon and ca.min_lat <= authority.centroid_lat <= ca.max_lat
            for ca in combined
        )
    ]
    names = sorted(spoken(a.name) for a in [*combined, *alone])
    return joined(names) if 0 < len(names) <= MOST_NAMED else FALLBACK


def county_of(local_authority: str | None) -> str:
    """An address's county from its local authority: the shire or metropolitan county, Greater London, or
    the unitary authority itself (as Bristol, Cornwall); blank for an authority Kith has not loaded."""
    if not local_authority:
        return ""
    counties, names = _counties(), _authority_names()
    if local_authority in counties:
        return counties[local_authority]
    if local_authority.startswith("E09"):
        return "Greater London"
    return spoken(names.get(local_authority, ""))


@cache
def _counties() -> dict[str, str]:
    with COUNTIES.open(newline="", encoding="utf-8") as handle:
        return {row["lad25_code"]: row["county_name"] for row in csv.DictReader(handle)}


@cache
def _authority_names() -> dict[str, str]:
    from kith.geo.models import Area, AreaLevel

    return dict(Area.objects.filter(level=AreaLevel.LOCAL_AUTHORITY).values_list("code", "name"))


@cache
def main_authority() -> str | None:
    """The local authority a page shows when none is asked for: the one with the most wards loaded."""
    from django.db.models import Count

    from kith.geo.models import Area, AreaLevel

    largest = (
        Area.objects.filter(level=AreaLevel.WARD, local_authority__isnull=False)
        .values("local_authority")
        .annotate(wards=Count("code"))
        .order_by("-wards", "local_authority")
        .first()
    )
    return largest["local_authority"] if largest else None


def unknown_authority_text() -> str:
    """What a page says for a local authority code it does not know."""
    example = main_authority()
    if example is None:
        return "No local authority is loaded yet: an administrator runs kith load-geography."
    return f"Unknown local authority: use the code of one this Kith covers, such as {example}."


def forget() -> None:
    """After a geography load: the next page reads the names again."""
    _loaded_name.cache_clear()
    _authority_names.cache_clear()
    main_authority.cache_clear()
