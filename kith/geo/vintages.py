"""Wards of an earlier vintage, and the wards of the loaded vintage that took their place.

A load of new ward boundaries keeps the old wards' rows (teams and records point at them) but places every
postcode in the new wards; a ward no postcode is placed in any more is retired. Its successors are the
current wards its boundary overlaps, each with the share of its area they took.
"""

import shapely

from kith.geo.models import Area, AreaLevel

SMALLEST_SHARE = 0.05  # less than this is a boundary drawn more finely, not a ward taking over streets


def retired(codes) -> set[str]:
    """Those of `codes` no postcode is placed in: wards of an earlier vintage."""
    codes = set(codes)
    return codes - set(Area.objects.current_wards().filter(code__in=codes).values_list("code", flat=True))


def successors(code: str) -> list[tuple[Area, float]]:
    """The current wards overlapping a retired ward, with the share of its area each took, largest first."""
    old = Area.objects.get(code=code)
    shape = _shape(old.geometry)
    if shape is None or not shape.area:
        return []  # no boundary to compare: an administrator sets its successors by hand
    near = list(
        Area.objects.filter(
            level=AreaLevel.WARD, min_lon__lte=old.max_lon, max_lon__gte=old.min_lon, min_lat__lte=old.max_lat,
            max_lat__gte=old.min_lat,
        ).exclude(code=code)
    )  # fmt: skip
    codes = {ward.code for ward in near}
    current = codes - retired(codes)
    shares = []
    for ward in near:
        other = _shape(ward.geometry) if ward.code in current else None
        share = shapely.intersection(shape, other).area / shape.area if other is not None else 0
        if share >= SMALLEST_SHARE:
            shares.append((ward, round(share, 3)))
    return sorted(shares, key=lambda pair: -pair[1])


def _shape(geometry: str):
    """A boundary made valid, or None where there is none to read."""
    try:
        return shapely.make_valid(shapely.from_geojson(geometry))
    except (shapely.errors.GEOSException, ValueError, TypeError):
        return None
