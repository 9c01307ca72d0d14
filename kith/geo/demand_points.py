"""Where the people of each LSOA are taken to live, for the gap method (ADR 0025).

ONS population-weighted centroids where a deployer supplies them; otherwise the geographic postcode
nearest the mean of the geographic postcodes inside the LSOA; the geometric centroid only where an
LSOA holds no postcode. The postcode files carry no residential flag, so a postcode of offices counts
as much as one of homes.
"""

import csv
from pathlib import Path

import numpy as np

ONS = "ons"
POSTCODES = "postcodes"
CENTROID = "centroid"
DESCRIBED = {
    ONS: "ONS population-weighted centroids",
    POSTCODES: "the postcode nearest the mean of the LSOA's geographic postcodes",
    CENTROID: "the geometric centroid (no postcode inside)",
}


def from_postcodes(
    lsoa_codes: list[str], postcode_lsoa: np.ndarray, lon: np.ndarray, lat: np.ndarray
) -> dict[str, tuple[float, float]]:
    """LSOA code → (lon, lat) of the postcode nearest the mean of its postcodes, for LSOAs holding any."""
    wanted = {code: n for n, code in enumerate(lsoa_codes)}
    position = np.array([wanted.get(code, -1) for code in postcode_lsoa], dtype=np.int64)
    inside = position >= 0
    position, lon, lat = position[inside], np.asarray(lon, float)[inside], np.asarray(lat, float)[inside]
    counts = np.bincount(position, minlength=len(lsoa_codes))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_lon = np.bincount(position, weights=lon, minlength=len(lsoa_codes)) / counts
        mean_lat = np.bincount(position, weights=lat, minlength=len(lsoa_codes)) / counts
    # Local flat distance: a degree of longitude is cos(latitude) degrees of latitude long.
    squeeze = np.cos(np.radians(mean_lat[position]))
    gap = ((lon - mean_lon[position]) * squeeze) ** 2 + (lat - mean_lat[position]) ** 2
    order = np.lexsort((gap, position))
    first = order[np.r_[True, position[order][1:] != position[order][:-1]]] if len(order) else order
    return {lsoa_codes[position[k]]: (round(float(lon[k]), 6), round(float(lat[k]), 6)) for k in first}


class CentroidFileError(ValueError):
    """The population-weighted centroid file cannot be read."""


def read_ons_file(path: Path) -> dict[str, tuple[float, float]]:
    """LSOA21CD → (lon, lat) from the ONS population-weighted centroid CSV (lon/lat, or x/y in British National
    Grid, converted with pyproj)."""
    with Path(path).open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        raise CentroidFileError(f"{path} has no rows.")
    columns = {name.lower(): name for name in rows[0]}
    code = columns.get("lsoa21cd")
    lon = columns.get("long") or columns.get("lon") or columns.get("longitude")
    lat = columns.get("lat") or columns.get("latitude")
    if code is None:
        raise CentroidFileError(f"{path} has no LSOA21CD column.")
    try:
        if lon and lat:
            return {row[code]: (float(row[lon]), float(row[lat])) for row in rows}
        if "x" in columns and "y" in columns:
            from pyproj import Transformer

            to_lonlat = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
            xs = [float(row[columns["x"]]) for row in rows]
            ys = [float(row[columns["y"]]) for row in rows]
            lons, lats = to_lonlat.transform(xs, ys)
            return {row[code]: (round(a, 6), round(b, 6)) for row, a, b in zip(rows, lons, lats, strict=True)}
    except ValueError as error:
        raise CentroidFileError(f"{path}: a coordinate is not a number ({error}).") from None
    raise CentroidFileError(f"{path} has neither LONG/LAT nor x/y columns.")
