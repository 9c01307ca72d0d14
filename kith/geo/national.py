"""Load any English local authorities, a region or all of England from a national geography bundle.

The bundle is a folder laid out as `../shared/reference/national/` (docs/data.md): postcodes with their areas'
codes, LSOA 2021 and May 2025 ward boundaries, the LSOA → ward → local authority lookup, authorities by region,
IMD 2025, Census 2021 population, loneliness and LSOA centre points, gzip CSV and GeoJSON.

Wards are May 2025's: their polygons are in the bundle and each postcode's ward code is from them (99.94% right),
where the 2024 lookup's best fit is right for 82.6%. Authorities whose code changed since 2024 (Barnsley,
Sheffield) are read under their 2025 code. Postcodes are placed by the codes the file gives them, never by
the super-generalised LSOA boundaries (which misplace one in six); those are kept for maps only.
Adds to what is loaded: a second area leaves the first as it was.
"""

import csv
import gzip
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import shapely
from django.db import transaction

from kith.geo import coverage
from kith.geo.loader import LoadResult, _area_m2
from kith.geo.models import Area, AreaLevel, GeographyLoad, LsoaIndicators, Postcode
from kith.geo.postcodes import PostcodeSyntaxError, normalise_postcode

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
}
# Local authority codes that changed between the 2024 lookup and the 2025 wards.
RENAMED_2024_TO_2025 = {"E08000016": "E08000038", "E08000019": "E08000039"}  # Barnsley, Sheffield

Progress = Callable[[str, int, int], None]


class BundleError(ValueError):
    """A bundle that cannot be read, or an area it does not have; str() says which and what to do."""


def _open(bundle: Path, name: str):
    path = bundle / FILES[name]
    if not path.is_file():
        raise BundleError(f"{path} is missing: a national bundle has {', '.join(FILES.values())} (docs/data.md).")
    return gzip.open(path, "rt", encoding="utf-8", newline="") if path.suffix == ".gz" else path.open(newline="")


def _rows(bundle: Path, name: str):
    with _open(bundle, name) as handle:
        yield from csv.DictReader(handle)


def authorities_named(bundle: Path, codes: list[str]) -> set[str]:
    """The 2025 local authority codes that `codes` name: authorities, regions (E12…) or `england`."""
    regions: dict[str, set[str]] = {}
    every = set()
    for row in _rows(bundle, "regions"):
        code = RENAMED_2024_TO_2025.get(row["ltla24_code"], row["ltla24_code"])
        regions.setdefault(row["region24_code"], set()).add(code)
        every.add(code)
    chosen: set[str] = set()
    for code in codes:
        code = code.strip()
        if code.lower() == "england":
            chosen |= every
        elif code.upper() in regions:
            chosen |= regions[code.upper()]
        elif RENAMED_2024_TO_2025.get(code.upper(), code.upper()) in every:
            chosen.add(RENAMED_2024_TO_2025.get(code.upper(), code.upper()))
        else:
            raise BundleError(
                f"{code!r} is not an English local authority (E06, E07, E08 or E09 code), a region (E12 code) or "
                "'england'."
            )
    return chosen


def _area(code: str, name: str, level: str, geometry, **parents) -> Area:
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    centre = geometry.centroid
    return Area(
        code=code, name=name, level=level, geometry=shapely.to_geojson(shapely.set_precision(geometry, 1e-6)),
        centroid_lon=round(centre.x, 6), centroid_lat=round(centre.y, 6), min_lon=min_lon, min_lat=min_lat,
        max_lon=max_lon, max_lat=max_lat, area_m2=round(_area_m2(geometry), 1), **parents,
    )  # fmt: skip


def _features(bundle: Path, name: str):
    with _open(bundle, name) as handle:
        for feature in json.load(handle)["features"]:
            yield feature["properties"], shapely.geometry.shape(feature["geometry"])


def load_areas(bundle: Path, codes: list[str], progress: Progress = lambda *a: None) -> LoadResult:
    """Upsert the named authorities' wards, LSOAs, indicators and postcodes; every other English postcode is
    kept as outside, so that someone there is told so, not that the postcode is unknown."""
    bundle = Path(bundle)
    chosen = authorities_named(bundle, codes)
    wards, authority_parts, authority_names = [], {}, {}
    for props, geometry in _features(bundle, "wards"):
        if props["LAD25CD"] in chosen:
            wards.append((props["WD25CD"], props["WD25NM"], props["LAD25CD"], geometry))
            authority_parts.setdefault(props["LAD25CD"], []).append(geometry)
            authority_names[props["LAD25CD"]] = props["LAD25NM"]
    progress("wards", len(wards), len(wards))
    lsoa_authority = {
        row["lsoa21_code"]: RENAMED_2024_TO_2025.get(row["ltla24_code"], row["ltla24_code"])
        for row in _rows(bundle, "lookup")
    }
    wanted_lsoas = {code for code, authority in lsoa_authority.items() if authority in chosen}

    ward_authority = {code: authority for code, _, authority, _ in wards}
    lsoas = []
    for props, geometry in _features(bundle, "lsoas"):
        if props["lsoa21_code"] in wanted_lsoas:
            code = props["lsoa21_code"]
            lsoas.append(
                _area(code, props["lsoa21_name"], AreaLevel.LSOA, geometry, local_authority_id=lsoa_authority[code])
            )
    centres = {row["lsoa21_code"]: row for row in _rows(bundle, "centres") if row["lsoa21_code"] in wanted_lsoas}
    for lsoa in lsoas:
        centre = centres.get(lsoa.code)
        if centre and centre["medoid_lat"]:
            lsoa.demand_lat, lsoa.demand_lon = float(centre["medoid_lat"]), float(centre["medoid_lon"])
            lsoa.demand_point = centre["medoid_postcode"][:10]
    problems: list[str] = []
    indicators = _indicators(bundle, wanted_lsoas, problems)
    authorities = [
        _area(code, authority_names[code], AreaLevel.LOCAL_AUTHORITY, shapely.union_all(parts))
        for code, parts in authority_parts.items()
    ]
    ward_areas = [_area(code, name, AreaLevel.WARD, g, local_authority_id=la) for code, name, la, g in wards]
    progress("areas", len(lsoas), len(lsoas))
    with transaction.atomic():
        _save_areas(authorities, ward_areas, lsoas, indicators)
        counted, ward_votes = _save_postcodes(bundle, ward_authority, wanted_lsoas, problems, progress)
        for lsoa in lsoas:  # the ward most of its postcodes are in
            votes = ward_votes.get(lsoa.code)
            lsoa.best_fit_ward_id = votes.most_common(1)[0][0] if votes else None
            if not votes:
                problems.append(f"LSOA {lsoa.code} has no postcode in a loaded ward")
        Area.objects.bulk_update(lsoas, ["best_fit_ward"], batch_size=1000)
        counts = {
            "lad": len(authorities), "ward": len(ward_areas), "lsoa": len(lsoas), "indicators": len(indicators),
            **counted,
        }  # fmt: skip
        GeographyLoad.objects.create(
            checksum=f"national:{','.join(sorted(a.code for a in authorities))}"[:64], summary=counts
        )
    coverage.forget()  # committed: pages name the areas just loaded
    return LoadResult(skipped=False, counts=counts, problems=problems)


BATCH = 20_000


def _save_postcodes(bundle, ward_authority, wanted_lsoas, problems, progress) -> tuple[dict, dict]:
    """Stream the postcodes in batches: those in a loaded ward upserted with their areas; every other added as
    outside where Kith had not heard of it (a postcode of an area loaded before keeps its place)."""
    inside, outside, ward_votes, counts = [], [], {}, Counter()

    def flush():
        Postcode.objects.bulk_create(
            inside, update_conflicts=True, unique_fields=["postcode"],
            update_fields=["lat", "lon", "lsoa", "ward", "local_authority", "nearest_local_authority"],
        )  # fmt: skip
        Postcode.objects.bulk_create(outside, ignore_conflicts=True)
        inside.clear()
        outside.clear()

    for number, row in enumerate(_rows(bundle, "postcodes"), 1):
        try:
            code = normalise_postcode(row["postcode"])
        except PostcodeSyntaxError:
            problems.append(f"unreadable postcode {row['postcode']!r}")
            continue
        lat, lon = (float(row["lat"]), float(row["lon"])) if row["lat"] and row["lon"] else (None, None)
        ward, lsoa = row["wd25_code"], row["lsoa21_code"]
        if ward in ward_authority and lsoa in wanted_lsoas:
            inside.append(
                Postcode(
                    postcode=code, lat=lat, lon=lon, lsoa_id=lsoa, ward_id=ward, local_authority_id=ward_authority[ward]
                )
            )
            ward_votes.setdefault(lsoa, Counter())[ward] += 1
            counts["postcodes"] += 1
        else:
            outside.append(Postcode(postcode=code, lat=lat, lon=lon))
            counts["postcodes_outside"] += 1
        if len(inside) + len(outside) >= BATCH:
            flush()
            progress("postcodes", number, 2_260_559)
    flush()
    return dict(counts), ward_votes


def _indicators(bundle: Path, lsoas: set[str], problems: list[str]) -> list[LsoaIndicators]:
    lonely = {r["lsoa21_code"]: r for r in _rows(bundle, "loneliness") if r["lsoa21_code"] in lsoas}
    people = {
        r["lsoa21_code"]: int(r["total_residents"]) for r in _rows(bundle, "population") if r["lsoa21_code"] in lsoas
    }
    rows = []
    for row in _rows(bundle, "imd"):
        code = row["lsoa21_code"]
        if code not in lsoas:
            continue
        if code not in lonely or code not in people:
            problems.append(f"LSOA {code} lacks loneliness or population data")
            continue
        rows.append(
            LsoaIndicators(
                lsoa_id=code, imd_score=float(row["IMD_score"]), imd_rank=int(float(row["IMD_rank"])),
                imd_decile=int(float(row["IMD_decile"])), loneliness_pct=float(lonely[code]["perc"]),
                loneliness_decile=int(lonely[code]["deciles"]), population=people[code],
            )
        )  # fmt: skip
    return rows


AREA_FIELDS = [
    "name", "level", "geometry", "centroid_lon", "centroid_lat", "min_lon", "min_lat", "max_lon", "max_lat", "area_m2",
    "local_authority", "best_fit_ward", "demand_lon", "demand_lat", "demand_point",
]  # fmt: skip


def _save_areas(authorities, wards, lsoas, indicators) -> None:
    for level in (authorities, wards, lsoas):  # parents before children
        Area.objects.bulk_create(
            level, update_conflicts=True, unique_fields=["code"], update_fields=AREA_FIELDS, batch_size=500
        )
    LsoaIndicators.objects.bulk_create(
        indicators, update_conflicts=True, unique_fields=["lsoa"], batch_size=1000,
        update_fields=["imd_score", "imd_rank", "imd_decile", "loneliness_pct", "loneliness_decile", "population"],
    )  # fmt: skip
