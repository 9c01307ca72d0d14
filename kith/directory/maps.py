"""What a map shows besides the results, so a reader can tell where they are without a base map
(ADR 0005: no third-party tiles by default): the neighbouring wards' outlines and names, and
landmarks from the directory (libraries, parks, leisure centres)."""

import json

import numpy as np
from shapely.geometry import mapping, shape

from kith.directory.models import Location
from kith.directory.search.index import get_index
from kith.geo.models import Area, AreaLevel

MAX_NEIGHBOURS = 24
MAX_LANDMARKS = 12
MAX_LANDMARK_CANDIDATES = 2000  # a 50 km box holds thousands of public places; a map shows a dozen
# Outlines for orientation need not be exact: about 30 m is plenty at the zooms a results map shows.
SIMPLIFY_DEGREES = 0.0003


_OUTLINES: dict[str, dict] = {}
# Every area of a city region fits; England's 33,755 LSOAs would not, so the oldest make way.
MAX_OUTLINES = 3000


def _simplify(geometry: str) -> dict:
    simple = shape(json.loads(geometry)).simplify(SIMPLIFY_DEGREES, preserve_topology=True)
    return json.loads(json.dumps(mapping(simple)), parse_float=lambda v: round(float(v), 4))


def outlines(codes: list[str]) -> dict[str, dict]:
    """Wards' outlines, simplified and rounded: a few kilobytes each instead of tens. Kept per process
    (boundaries change only when the geography is loaded again); the missing ones come in one query."""
    missing = [c for c in codes if c not in _OUTLINES]
    if missing:
        for code, geometry in Area.objects.filter(code__in=missing).values_list("code", "geometry"):
            _OUTLINES[code] = _simplify(geometry)
            while len(_OUTLINES) > MAX_OUTLINES:
                del _OUTLINES[next(iter(_OUTLINES))]
    return {c: _OUTLINES[c] for c in codes if c in _OUTLINES}


def bounds_around(lon: float, lat: float, metres: float) -> tuple[float, float, float, float]:
    from kith.geo.distance import bounding_box

    return bounding_box(lon, lat, metres)


def _landmarks_inside(index, bounds) -> np.ndarray:
    min_lon, min_lat, max_lon, max_lat = bounds
    return (
        index.landmark
        & (index.lon >= min_lon)
        & (index.lon <= max_lon)
        & (index.lat >= min_lat)
        & (index.lat <= max_lat)
    )


def landmarks_stamp(index, bounds: tuple[float, float, float, float] | None) -> int:
    """The latest stamp among the landmarks a map of `bounds` could show (None: anywhere): it moves when one
    of them changes, so a kept page never shows a landmark's old name or place."""
    chosen = index.landmark if bounds is None else _landmarks_inside(index, bounds)
    return int(index.stamp[chosen].max()) if chosen.any() else 0


def orientation(bounds: tuple[float, float, float, float], *, leave_out: str = "") -> dict:
    """Wards and landmarks inside (min lon, min lat, max lon, max lat), in two queries."""
    min_lon, min_lat, max_lon, max_lat = bounds
    wards = list(
        Area.objects.without_geometry()
        .filter(
            level=AreaLevel.WARD, max_lon__gte=min_lon, min_lon__lte=max_lon, max_lat__gte=min_lat, min_lat__lte=max_lat
        )
        .exclude(code=leave_out)
        .order_by("code")
        .values_list("code", "name", "centroid_lon", "centroid_lat")[:MAX_NEIGHBOURS]
    )
    # Landmarks from the search index's columns, not a join over every place: only the few in the box are read.
    index = get_index()
    inside = _landmarks_inside(index, bounds)
    places = np.unique(index.location_id[inside])[:MAX_LANDMARK_CANDIDATES]
    landmarks = {}
    for name, lon, lat in (
        Location.objects.filter(id__in=places.tolist())
        .order_by("name")
        .values_list("name", "longitude", "latitude")[: MAX_LANDMARKS * 4]
    ):
        landmarks.setdefault(name, (lon, lat))
    shapes = outlines([code for code, *_ in wards])
    return {
        "neighbours": [
            {"name": name, "lon": round(lon, 3), "lat": round(lat, 3), "outline": shapes.get(code)}
            for code, name, lon, lat in wards
        ],
        "landmarks": [
            {"name": name, "lon": round(lon, 4), "lat": round(lat, 4)}
            for name, (lon, lat) in list(landmarks.items())[:MAX_LANDMARKS]
        ],
    }
