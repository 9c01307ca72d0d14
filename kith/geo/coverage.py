"""The area this Kith covers, in words: `KITH_AREA_NAME`, or what the loaded geography says it is.

Every page names it and it changes only with a load, so it is read at most once a minute per process (a
server sees what another process loaded within a minute) and forgotten at once by the process that loads.
"""

import csv
import threading
import time
from functools import cache, wraps
from pathlib import Path

import shapely
from django.conf import settings

FALLBACK = "the area this Kith covers"
COUNTIES = Path(__file__).resolve().parent / "data" / "counties_lad25.csv"
MOST_NAMED = 3  # more places than this read as a list, not a name: set KITH_AREA_NAME
READ_AGAIN_SECONDS = 60
_cached: list = []  # every function below that is kept for a minute, for forget()


def _for_a_minute(read):
    """Keep what `read` returns for READ_AGAIN_SECONDS, so that pages do not ask the database each time."""
    kept: dict = {}
    lock = threading.Lock()

    @wraps(read)
    def reading():
        with lock:
            if "at" not in kept or time.monotonic() - kept["at"] > READ_AGAIN_SECONDS:
                kept["value"], kept["at"] = read(), time.monotonic()
            return kept["value"]

    reading.cache_clear = kept.clear
    _cached.append(reading)
    return reading


def area_name() -> str:
    """`KITH_AREA_NAME`; else the combined authorities and the local authorities outside them, by name."""
    return settings.KITH_AREA_NAME or _loaded_name()


def spoken(name: str) -> str:
    """ONS's "Bristol, City of" as people say it: "City of Bristol"."""
    place, comma, title = name.partition(", ")
    return f"{title} {place}" if comma and title.endswith(" of") else name


def joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@_for_a_minute
def _loaded_name() -> str:
    from kith.geo.models import Area, AreaLevel

    authorities = list(Area.objects.filter(level=AreaLevel.COMBINED_AUTHORITY).values_list("name", "geometry"))
    combined = [shapely.from_geojson(geometry) for _, geometry in authorities]
    names = [name for name, _ in authorities]
    # An authority whose centre lies in a combined authority is named by it, not on its own.
    for name, lon, lat in Area.objects.filter(level=AreaLevel.LOCAL_AUTHORITY).values_list(
        "name", "centroid_lon", "centroid_lat"
    ):
        if not any(shapely.contains_xy(ca, lon, lat) for ca in combined):
            names.append(name)
            if len(names) > MOST_NAMED:
                return FALLBACK
    return joined(sorted(spoken(n) for n in names)) if names else FALLBACK


def county_of(local_authority: str | None) -> str:
    """An address's county from its local authority: its shire or metropolitan county, Greater London, or
    the unitary authority itself, by name ("City of Bristol"); blank for none or a unitary not loaded."""
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


@_for_a_minute
def _authority_names() -> dict[str, str]:
    from kith.geo.models import Area, AreaLevel

    return dict(Area.objects.filter(level=AreaLevel.LOCAL_AUTHORITY).values_list("code", "name"))


@_for_a_minute
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
    for reading in _cached:
        reading.cache_clear()
