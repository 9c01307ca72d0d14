"""Load Greater Manchester areas, indicators and postcodes from the shipped data files.

Idempotent: areas and postcodes are upserted by code, and a load whose data files have not
changed since the last one does nothing.
"""

import csv
import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from django.db import transaction

from kith.geo import coverage, demand_points
from kith.geo.locate import PolygonIndex
from kith.geo.models import Area, AreaLevel, GeographyLoad, LsoaIndicators, Postcode
from kith.geo.postcodes import PostcodeSyntaxError, normalise_postcode

DATA_DIR = Path(__file__).resolve().parent / "data"
LOADER_VERSION = "3"  # 3: demand points
CNI_FILE = "deprivation/community_needs_index2023_lsoa21_greater_manchester.csv"

BOUNDARY_FILES = [
    (AreaLevel.COMBINED_AUTHORITY, "gm_combined_authority_2023_generalised.geojson"),
    (AreaLevel.LOCAL_AUTHORITY, "gm_local_authorities_2023_generalised.geojson"),
    (AreaLevel.WARD, "gm_wards_2023_generalised.geojson"),
    (AreaLevel.MSOA, "gm_msoa21_generalised.geojson"),
    (AreaLevel.LSOA, "gm_lsoa21_generalised.geojson"),
]
# Every postcode area that reaches into Greater Manchester, whole: those inside are placed in their ward; those
# just outside are kept too, with the nearest borough, so people there are told where Kith's area begins.
POSTCODE_FILES = [f"{area}_postcodes_latlon_nspl_may2025.csv" for area in ("M", "BL", "OL", "SK", "WA", "WN")]
OTHER_FILES = [
    "gm_lsoa21_to_ward24_lad24_bestfit.csv",
    "imd2025_lsoa21_greater_manchester.csv",
    "loneliness_cls_lsoa21_greater_manchester.csv",
    "population_census2021_lsoa21.csv",
]

Progress = Callable[[str, int, int], None]


def _quiet(stage: str, done: int, total: int) -> None:
    pass


@dataclass
class LoadResult:
    skipped: bool
    counts: dict[str, int] = field(default_factory=dict)
    with_cni: bool = False
    problems: list[str] = field(default_factory=list)


def data_checksum(data_dir: Path, cni_path: Path | None, weighted_centroids: Path | None = None) -> str:
    digest = hashlib.sha256(LOADER_VERSION.encode())
    names = [name for _, name in BOUNDARY_FILES] + POSTCODE_FILES + OTHER_FILES
    paths = [data_dir / name for name in names] + [p for p in (cni_path, weighted_centroids) if p]
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _area_m2(geometry: shapely.Geometry) -> float:
    """Approximate area from a local equirectangular projection (good to ~0.1% at this size)."""
    lat0 = math.radians(geometry.centroid.y)
    scaled = shapely.transform(geometry, lambda xy: xy * [111_320.0 * math.cos(lat0), 110_574.0])
    return scaled.area


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _read_boundaries(data_dir: Path):
    """Yield (level, code, name, props, geometry) for every boundary feature."""
    for level, filename in BOUNDARY_FILES:
        collection = json.loads((data_dir / filename).read_text(encoding="utf-8"))
        for feature in collection["features"]:
            props = feature["properties"]
            geometry = shapely.from_geojson(json.dumps(feature["geometry"]))
            yield level, props["area_code"], props["area_name"].strip(), props, geometry


def load_geography(
    *,
    data_dir: Path = DATA_DIR,
    cni_path: Path | None = None,
    weighted_centroids: Path | None = None,
    force: bool = False,
    progress: Progress = _quiet,
) -> LoadResult:
    """Upsert every area, indicator and postcode; `weighted_centroids` is an ONS population-weighted
    centroid file for the gap method's demand points (without it, postcodes stand in)."""
    checksum = data_checksum(data_dir, cni_path, weighted_centroids)
    latest = GeographyLoad.objects.order_by("-loaded_at").first()
    if not force and latest and latest.checksum == checksum and Area.objects.exists():
        return LoadResult(skipped=True, counts=latest.summary, with_cni=latest.with_cni)

    features = list(_read_boundaries(data_dir))
    progress("boundaries", len(features), len(features))
    la_by_name = {name: code for level, code, name, _, _ in features if level == AreaLevel.LOCAL_AUTHORITY}
    msoa_by_name = {name: code for level, code, name, _, _ in features if level == AreaLevel.MSOA}
    best_fit = {row["lsoa21_code"]: row for row in _read_csv(data_dir / "gm_lsoa21_to_ward24_lad24_bestfit.csv")}
    problems: list[str] = []

    areas: dict[AreaLevel, list[Area]] = {level: [] for level, _ in BOUNDARY_FILES}
    for level, code, name, props, geometry in features:
        min_lon, min_lat, max_lon, max_lat = geometry.bounds
        centroid = geometry.centroid
        area = Area(
            code=code,
            name=name,
            level=level,
            geometry=shapely.to_geojson(shapely.set_precision(geometry, 1e-6)),
            centroid_lon=round(centroid.x, 6),
            centroid_lat=round(centroid.y, 6),
            min_lon=min_lon,
            min_lat=min_lat,
            max_lon=max_lon,
            max_lat=max_lat,
            area_m2=round(_area_m2(geometry), 1),
        )
        if level == AreaLevel.WARD:
            area.local_authority_id = props["local_authority_area_code"]
        elif level == AreaLevel.MSOA:
            # ONS names an MSOA "<local authority> <number>".
            area.local_authority_id = la_by_name[name.rsplit(" ", 1)[0]]
        elif level == AreaLevel.LSOA:
            # An LSOA 2021 is named after its MSOA plus one letter ("Manchester 006B").
            area.msoa_id = msoa_by_name.get(name[:-1])
            area.local_authority_id = la_by_name[name.rsplit(" ", 1)[0]]
            fit = best_fit.get(code)
            area.best_fit_ward_id = fit["ward24_code"] if fit else None
            if area.msoa_id is None or fit is None:
                problems.append(f"LSOA {code} has no MSOA or best-fit ward")
        areas[level].append(area)

    indicators = _indicators(data_dir, cni_path, problems)
    progress("indicators", len(indicators), len(indicators))
    postcodes = _postcodes(data_dir, areas, problems, progress)
    _place_demand(areas[AreaLevel.LSOA], postcodes, weighted_centroids)

    with transaction.atomic():
        fields = [
            "name",
            "level",
            "geometry",
            "centroid_lon",
            "centroid_lat",
            "min_lon",
            "min_lat",
            "max_lon",
            "max_lat",
            "area_m2",
            "local_authority",
            "best_fit_ward",
            "msoa",
            "demand_lon",
            "demand_lat",
            "demand_point",
        ]
        # Parents before children, so that foreign keys point at rows that exist.
        for level, _ in BOUNDARY_FILES:
            Area.objects.bulk_create(
                areas[level], update_conflicts=True, unique_fields=["code"], update_fields=fields, batch_size=500
            )
        LsoaIndicators.objects.bulk_create(
            indicators,
            update_conflicts=True,
            unique_fields=["lsoa"],
            update_fields=[
                "imd_score",
                "imd_rank",
                "imd_decile",
                "loneliness_pct",
                "loneliness_decile",
                "cni_score",
                "cni_rank",
                "population",
            ],
            batch_size=1000,
        )
        total = len(postcodes)
        for start in range(0, total, 5000):
            Postcode.objects.bulk_create(
                postcodes[start : start + 5000],
                update_conflicts=True,
                unique_fields=["postcode"],
                update_fields=["lat", "lon", "lsoa", "ward", "local_authority", "nearest_local_authority"],
            )
            progress("postcodes saved", min(start + 5000, total), total)
        counts = {level.value: len(items) for level, items in areas.items()}
        counts["postcodes"] = total
        counts["postcodes_without_location"] = sum(1 for p in postcodes if p.lat is None)
        counts["postcodes_outside_gm"] = sum(1 for p in postcodes if p.lat is not None and p.lsoa_id is None)
        counts["indicators"] = len(indicators)
        GeographyLoad.objects.create(checksum=checksum, with_cni=cni_path is not None, summary=counts)
        transaction.on_commit(coverage.forget)
    return LoadResult(skipped=False, counts=counts, with_cni=cni_path is not None, problems=problems)


def _place_demand(lsoas: list[Area], postcodes: list[Postcode], weighted_centroids: Path | None) -> None:
    """Each LSOA's demand point: ONS's where given, else from its postcodes, else its centroid."""
    given = demand_points.read_ons_file(weighted_centroids) if weighted_centroids else {}
    located = [p for p in postcodes if p.lat is not None and p.lsoa_id]
    nearest_mean = demand_points.from_postcodes(
        [a.code for a in lsoas],
        np.array([p.lsoa_id for p in located], dtype=object),
        np.array([p.lon for p in located]),
        np.array([p.lat for p in located]),
    )
    for area in lsoas:
        for how, points in ((demand_points.ONS, given), (demand_points.POSTCODES, nearest_mean)):
            if area.code in points:
                area.demand_lon, area.demand_lat = points[area.code]
                area.demand_point = how
                break
        else:
            area.demand_lon, area.demand_lat = area.centroid_lon, area.centroid_lat
            area.demand_point = demand_points.CENTROID


def _indicators(data_dir: Path, cni_path: Path | None, problems: list[str]) -> list[LsoaIndicators]:
    imd = {row["lsoa21_code"]: row for row in _read_csv(data_dir / "imd2025_lsoa21_greater_manchester.csv")}
    lonely = {row["lsoa21_code"]: row for row in _read_csv(data_dir / "loneliness_cls_lsoa21_greater_manchester.csv")}
    population = {
        row["lsoa21_code"]: int(row["total_residents"])
        for row in _read_csv(data_dir / "population_census2021_lsoa21.csv")
    }
    cni = {}
    if cni_path:
        cni = {row["lsoa21_code"]: row for row in _read_csv(cni_path)}
    rows = []
    for code, row in imd.items():
        if code not in lonely or code not in population:
            problems.append(f"LSOA {code} lacks loneliness or population data")
            continue
        need = cni.get(code)
        rows.append(
            LsoaIndicators(
                lsoa_id=code,
                imd_score=float(row["IMD_score"]),
                imd_rank=int(row["IMD_rank"]),
                imd_decile=int(row["IMD_decile"]),
                loneliness_pct=float(lonely[code]["perc"]),
                loneliness_decile=int(lonely[code]["deciles"]),
                cni_score=float(need["Community Needs Index 2023 Score"]) if need else None,
                cni_rank=int(need["Community Needs Index 2023 Rank"]) if need else None,
                population=population[code],
            )
        )
    return rows


def _postcodes(data_dir, areas, problems, progress) -> list[Postcode]:
    seen: dict[str, tuple[float | None, float | None]] = {}
    for filename in POSTCODE_FILES:
        for row in _read_csv(data_dir / filename):
            try:
                code = normalise_postcode(row["Postcode"])
            except PostcodeSyntaxError:
                problems.append(f"{filename}: unreadable postcode {row['Postcode']!r}")
                continue
            lat = row["lat"].strip()
            # NSPL marks non-geographic postcodes with an empty latitude and a longitude of 0.
            point = (float(lat), float(row["long"])) if lat else (None, None)
            seen.setdefault(code, point)
    codes = sorted(seen)
    located = [c for c in codes if seen[c][0] is not None]
    lats = [seen[c][0] for c in located]
    lons = [seen[c][1] for c in located]
    lsoa_index = PolygonIndex(
        [a.code for a in areas[AreaLevel.LSOA]], [shapely.from_geojson(a.geometry) for a in areas[AreaLevel.LSOA]]
    )
    ward_index = PolygonIndex(
        [a.code for a in areas[AreaLevel.WARD]], [shapely.from_geojson(a.geometry) for a in areas[AreaLevel.WARD]]
    )
    progress("postcodes located", 0, len(located))
    lsoa_of = dict(zip(located, lsoa_index.locate(lons, lats), strict=True))
    ward_of = dict(zip(located, ward_index.locate(lons, lats), strict=True))
    progress("postcodes located", len(located), len(located))
    la_of_ward = {a.code: a.local_authority_id for a in areas[AreaLevel.WARD]}
    outside = [c for c in located if ward_of.get(c) is None]
    nearest = _nearest_local_authority(areas, [seen[c][1] for c in outside], [seen[c][0] for c in outside])
    nearest_of = dict(zip(outside, nearest, strict=True))
    result = []
    for code in codes:
        lat, lon = seen[code]
        ward = ward_of.get(code)
        result.append(
            Postcode(
                postcode=code,
                lat=lat,
                lon=lon,
                lsoa_id=lsoa_of.get(code),
                ward_id=ward,
                local_authority_id=la_of_ward.get(ward) if ward else None,
                nearest_local_authority_id=nearest_of.get(code),
            )
        )
    return result


def _nearest_local_authority(areas, lons: list[float], lats: list[float]) -> list[str]:
    """For points outside every borough, the borough whose boundary is nearest (in degrees: good enough to name)."""
    if not lons:
        return []
    boroughs = areas[AreaLevel.LOCAL_AUTHORITY]
    tree = shapely.STRtree([shapely.from_geojson(a.geometry) for a in boroughs])
    inputs, found = tree.query_nearest(shapely.points(lons, lats), all_matches=False)
    nearest = [""] * len(lons)
    for i, j in zip(inputs, found, strict=True):
        nearest[i] = boroughs[j].code
    return nearest
