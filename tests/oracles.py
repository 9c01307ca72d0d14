"""Independent answers that tests compare Kith's code against."""

import math

EARTH_RADIUS_M = 6_371_008.8


def vincenty_sphere(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres by Vincenty's formula on a sphere (well conditioned at 0 m)."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    y = math.hypot(
        math.cos(p2) * math.sin(dl), math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    )
    x = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return EARTH_RADIUS_M * math.atan2(y, x)
