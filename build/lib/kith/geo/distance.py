"""Great-circle distances and bounding boxes, vectorised with numpy."""

import math

import numpy as np

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius


def haversine_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Distance in metres between points given in degrees; arguments broadcast."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def bounding_box(lon: float, lat: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) that contains every point within radius_m."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    # Widen by the cosine of the latitude nearest the pole, so the box never cuts the circle.
    extreme_lat = min(89.9, abs(lat) + dlat)
    dlon = math.degrees(radius_m / (EARTH_RADIUS_M * math.cos(math.radians(extreme_lat))))
    pad = 1e-7  # about a centimetre, so that rounding never cuts the circle
    return lon - dlon - pad, lat - dlat - pad, lon + dlon + pad, lat + dlat + pad
