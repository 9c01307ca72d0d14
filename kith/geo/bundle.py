"""Reading a national geography bundle: its own files, or the official ONS/MHCLG files put in their place.

A bundle is a folder laid out as `../shared/reference/national/` (docs/data.md). A deployer who downloads
the official files instead (NSPL or ONSPD, the LSOA 2021 and ward boundaries as GeoJSON, the LSOA → ward →
local authority lookup, IoD 2025 File 7, Census 2021 TS001 or TS038) saves each under the bundle's name for
it, gzipped or not: their columns are read by the names the official editions give them (`OFFICIAL`).
"""

import csv
import gzip
import json
import re
from pathlib import Path

import shapely

FILES = {
    "postcodes": "postcodes_england_lsoa21.csv.gz",
    "lsoas": "lsoa21_england_super_generalised.geojson.gz",
    "wards": "wards25_england_generalised.geojson.gz",
    "lookup": "lookup_lsoa21_ward24_lad24_england.csv.gz",
    "regions": "lad24_region24_england.csv",
    "imd": "imd2025_lsoa21_england.csv.gz",
    "population": "population_census2021_lsoa21_england.csv.gz",
    "loneliness": "loneliness_cls_lsoa21_england.csv.gz",
    "centres": "lsoa21_postcode_weighted_centroids.csv.gz",
    "ward_authorities": "ward25_lad25_england.csv",
}
# Optional: without centres, an LSOA's demand point is the postcode nearest the mean of its postcodes; the
# ward-to-authority lookup is needed only where the ward boundaries lack LAD25CD and LAD25NM.
OPTIONAL = {"centres", "ward_authorities"}

# The bundle's column, and what official editions call it (compared without case, spaces or punctuation).
OFFICIAL = {
    "postcodes": {  # NSPL and ONSPD: 2025 editions name columns with their vintage, earlier ones do not
        "postcode": ("pcds", "pcd", "pcd7", "pcd8", "pcd2"),
        "lon": ("long",),
        "lsoa21_code": ("lsoa21cd", "lsoa21"),
        "wd25_code": ("wd25cd",),
    },  # any other ward column (`osward`, `wd24cd`) is another vintage's: such postcodes are placed by point
    "lsoas": {"lsoa21_code": ("LSOA21CD",), "lsoa21_name": ("LSOA21NM",)},
    "wards": {},  # the official file's own columns: WD25CD, WD25NM, LAD25CD, LAD25NM
    "lookup": {
        "lsoa21_code": ("LSOA21CD",),
        "lsoa21_name": ("LSOA21NM",),
        "ward24_code": ("WD24CD",),
        "ward24_name": ("WD24NM",),
        "ltla24_code": ("LAD24CD", "LTLA24CD"),
        "ltla24_name": ("LAD24NM", "LTLA24NM"),
    },
    "regions": {
        "ltla24_code": ("LAD24CD",),
        "ltla24_name": ("LAD24NM",),
        "region24_code": ("RGN24CD",),
        "region24_name": ("RGN24NM",),
    },
    "imd": {  # IoD 2025 File 7
        "lsoa21_code": ("LSOA code (2021)",),
        "IMD_score": ("Index of Multiple Deprivation (IMD) Score",),
        "IMD_rank": ("Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",),
        "IMD_decile": ("Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",),
    },
    "population": {  # Census 2021 bulk CSVs: TS001 (residence type) or TS038 (disability), their totals
        "lsoa21_code": ("geography code",),
        "total_residents": (
            "Residence type: Total; measures: Value",
            "Disability: Total: All usual residents",
            "Total: All usual residents",
        ),
    },
    "loneliness": {},
    "centres": {},
    "ward_authorities": {},  # ONS Ward to Local Authority District (May 2025) Lookup: WD25CD, LAD25CD, LAD25NM
}


class BundleError(ValueError):
    """A bundle that cannot be read, or an area it does not have; str() says which and what to do."""


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def canonical(name: str, header: list[str]) -> list[str]:
    """The header with official column names read as the bundle's."""
    aliases = {_key(alias): ours for ours, names in OFFICIAL[name].items() for alias in names}
    present = set(header)
    out = []
    for column in header:
        ours = aliases.get(_key(column))
        out.append(ours if ours and ours not in present else column)
        present.add(out[-1])
    return out


def path_of(bundle: Path, name: str) -> Path | None:
    """The file, gzipped as the bundle has it or not (as an official download comes)."""
    for path in (bundle / FILES[name], bundle / FILES[name].removesuffix(".gz")):
        if path.is_file():
            return path
    return None


def _open(bundle: Path, name: str):
    path = path_of(bundle, name)
    if path is None:
        raise BundleError(
            f"{bundle / FILES[name]} is missing: a national bundle has "
            f"{', '.join(f for key, f in FILES.items() if key not in OPTIONAL)} (docs/data.md)."
        )
    return (
        gzip.open(path, "rt", encoding="utf-8-sig", newline="")
        if path.suffix == ".gz"
        else path.open(encoding="utf-8-sig", newline="")
    )


def _lacking(bundle: Path, name: str, have, needs) -> None:
    lacking = [column for column in needs if column not in have]
    if lacking:
        where = path_of(bundle, name) or bundle / FILES[name]
        raise BundleError(f"{where.name} has no {' or '.join(lacking)} column (docs/data.md lists what it needs).")


def rows(bundle: Path, name: str, needs: tuple[str, ...] = ()):
    """Each row as a dict keyed by the bundle's column names (blank where a short row ends); blank lines are
    skipped, and a missing column the load needs is an error."""
    with _open(bundle, name) as handle:
        reader = csv.reader(handle)
        header = canonical(name, next(reader, []))
        _lacking(bundle, name, header, needs)
        for values in reader:
            if values:
                yield dict(zip(header, values + [""] * (len(header) - len(values)), strict=False))


def features(bundle: Path, name: str, needs: tuple[str, ...] = ()):
    """(properties keyed by the bundle's names, shapely geometry) of a GeoJSON file's features that have one."""
    with _open(bundle, name) as handle:
        try:
            found = json.load(handle)["features"]
        except (ValueError, KeyError, TypeError):
            raise BundleError(f"{FILES[name]} is not a GeoJSON FeatureCollection.") from None
    for feature in found:
        props = feature.get("properties") or {}
        props = dict(zip(canonical(name, list(props)), props.values(), strict=True))
        _lacking(bundle, name, props, needs)
        if feature.get("geometry"):
            yield props, shapely.geometry.shape(feature["geometry"])
