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

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import shapely
from django.db import transaction

from kith.geo import coverage, demand_points
from kith.geo.bundle import FILES, BundleError, features, path_of, rows
from kith.geo.loader import LoadResult, _area_m2
from kith.geo.locate import PolygonIndex
from kith.geo.models import Area, AreaLevel, GeographyLoad, LsoaIndicators, Postcode
from kith.geo.postcodes import PostcodeSyntaxError, normalise_postcode

__all__ = ["FILES", "BundleError", "authorities_named", "load_areas"]
# Local authority codes that changed between the 2024 lookup and the 2025 wards.
RENAMED_2024_TO_2025 = {"E08000016": "E08000038", "E08000019": "E08000039"}  # Barnsley, Sheffield

Progress = Callable[[str, int, int], None]


def authorities_named(bundle: Path, codes: list[str]) -> set[str]:
    """The 2025 local authority codes that `codes` name: authorities, regions (E12…) or `england`."""
    regions: dict[str, set[str]] = {}
    every = set()
    for row in rows(bundle, "regions", ("ltla24_code", "region24_code")):
        code = RENAMED_2024_TO_2025.get(row["ltla24_code"], row["ltla24_code"])
        regions.setdefault(row["region24_code"], set()).add(code)
        every.add(code)
    chosen: set[str] = set()
    for given in codes:
        code = RENAMED_2024_TO_2025.get(given.strip().upper(), given.strip().upper())
        if code == "ENGLAND":
            chosen |= every
        elif code in regions:
            chosen |= regions[code]
        elif code in every:
            chosen.add(code)
        else:
            raise BundleError(
                f"{given.strip()!r} is not an English local authority (E06, E07, E08 or E09 code), a region (E12 "
                "code) or 'england'."
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


def _wards(bundle: Path):
    """(ward code, name, authority code, authority name, geometry) of every ward with a boundary."""
    lookup = {}
    if path_of(bundle, "ward_authorities"):
        lookup = {
            row["WD25CD"]: (row["LAD25CD"], row["LAD25NM"])
            for row in rows(bundle, "ward_authorities", ("WD25CD", "LAD25CD", "LAD25NM"))
        }
    for props, geometry in features(bundle, "wards", ("WD25CD", "WD25NM")):
        own = props.get("LAD25CD")
        authority = (own, props.get("LAD25NM", "")) if own else lookup.get(props["WD25CD"])
        if authority is None:
            raise BundleError(
                f"Ward {props['WD25CD']} has no local authority: the ward boundaries lack LAD25CD, so the bundle "
                f"needs {FILES['ward_authorities']} (ONS Ward to Local Authority District lookup, docs/data.md)."
            )
        yield props["WD25CD"], props["WD25NM"], *authority, geometry


def load_areas(bundle: Path, codes: list[str], progress: Progress = lambda *a: None) -> LoadResult:
    """Upsert the named authorities' wards, LSOAs, indicators and postcodes; every other English postcode is
    kept as outside, so that someone there is told so, not that the postcode is unknown."""
    bundle = Path(bundle)
    chosen = authorities_named(bundle, codes)
    wards, authority_parts, authority_names = [], {}, {}
    for code, name, authority, authority_name, geometry in _wards(bundle):
        if authority in chosen:
            wards.append((code, name, authority, geometry))
            authority_parts.setdefault(authority, []).append(geometry)
            authority_names[authority] = authority_name
    progress("wards", len(wards), len(wards))
    lsoa_authority = {
        row["lsoa21_code"]: RENAMED_2024_TO_2025.get(row["ltla24_code"], row["ltla24_code"])
        for row in rows(bundle, "lookup", ("lsoa21_code", "ltla24_code"))
    }
    wanted_lsoas = {code for code, authority in lsoa_authority.items() if authority in chosen}

    ward_authority = {code: authority for code, _, authority, _ in wards}
    lsoas = []
    for props, geometry in features(bundle, "lsoas"):
        if props["lsoa21_code"] in wanted_lsoas:
            code = props["lsoa21_code"]
            lsoas.append(
                _area(code, props["lsoa21_name"], AreaLevel.LSOA, geometry, local_authority_id=lsoa_authority[code])
            )
    centres = {}
    if path_of(bundle, "centres"):
        centres = {row["lsoa21_code"]: row for row in rows(bundle, "centres") if row["lsoa21_code"] in wanted_lsoas}
    for lsoa in lsoas:
        centre = centres.get(lsoa.code)
        if centre and centre["medoid_lat"]:
            lsoa.demand_lat, lsoa.demand_lon = float(centre["medoid_lat"]), float(centre["medoid_lon"])
            lsoa.demand_point = demand_points.POSTCODES  # the same rule, worked out when the bundle was made
    problems: list[str] = []
    indicators = _indicators(bundle, wanted_lsoas, problems)
    authorities = [
        _area(code, coverage.spoken(authority_names[code]), AreaLevel.LOCAL_AUTHORITY, shapely.union_all(parts))
        for code, parts in authority_parts.items()
    ]
    ward_areas = [_area(code, name, AreaLevel.WARD, g, local_authority_id=la) for code, name, la, g in wards]
    progress("areas", len(lsoas), len(lsoas))
    with transaction.atomic():
        _save_areas(authorities, ward_areas, lsoas, indicators)
        wards_index = PolygonIndex([w.code for w in ward_areas], [g for *_, g in wards])
        counted, ward_votes, means = _save_postcodes(
            bundle, ward_authority, wanted_lsoas, wards_index, problems, progress, means=not centres
        )
        for lsoa in lsoas:  # the ward most of its postcodes are in
            votes = ward_votes.get(lsoa.code)
            lsoa.best_fit_ward_id = votes.most_common(1)[0][0] if votes else None
            if not votes:
                problems.append(f"LSOA {lsoa.code} has no postcode in a loaded ward")
            if not lsoa.demand_point and lsoa.code in means:  # no centres file: the mean of its postcodes
                lsoa.demand_lat, lsoa.demand_lon = means[lsoa.code]
                lsoa.demand_point = demand_points.POSTCODES
            elif not lsoa.demand_point:
                lsoa.demand_lat, lsoa.demand_lon = lsoa.centroid_lat, lsoa.centroid_lon
                lsoa.demand_point = demand_points.CENTROID
        Area.objects.bulk_update(lsoas, ["best_fit_ward", "demand_lat", "demand_lon", "demand_point"], batch_size=1000)
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


def _save_postcodes(bundle, ward_authority, wanted_lsoas, wards_index, problems, progress, *, means: bool):
    """Upsert the postcodes in loaded wards, in batches; add the rest as outside where Kith has not heard of them.

    A postcode's ward is the 2025 code its file gives; a file without one has its points placed in the 2025 ward
    polygons. Returns counts, each LSOA's ward votes and, with `means`, each LSOA's postcode nearest the mean.
    """
    inside, outside, placing, ward_votes, counts = [], [], [], {}, Counter()
    points: tuple[list, list, list] = ([], [], [])

    def keep(code, lat, lon, lsoa, ward, how):
        authority = ward_authority[ward]
        inside.append(
            Postcode(postcode=code, lat=lat, lon=lon, lsoa_id=lsoa, ward_id=ward, local_authority_id=authority)
        )
        ward_votes.setdefault(lsoa, Counter())[ward] += 1
        counts["postcodes"] += 1
        counts[how] += 1
        if means and lat is not None:
            for values, value in zip(points, (lsoa, lon, lat), strict=True):
                values.append(value)

    def flush():
        if placing:
            found = wards_index.locate([p[2] for p in placing], [p[1] for p in placing])
            for (code, lat, lon, lsoa), ward in zip(placing, found, strict=True):
                if ward is None:
                    outside.append(Postcode(postcode=code, lat=lat, lon=lon))
                    counts["postcodes_outside"] += 1
                else:
                    keep(code, lat, lon, lsoa, ward, "ward_by_point")
            placing.clear()
        Postcode.objects.bulk_create(
            inside, update_conflicts=True, unique_fields=["postcode"],
            update_fields=["lat", "lon", "lsoa", "ward", "local_authority", "nearest_local_authority"],
        )  # fmt: skip
        Postcode.objects.bulk_create(outside, ignore_conflicts=True)
        inside.clear()
        outside.clear()

    for number, row in enumerate(rows(bundle, "postcodes", ("postcode", "lat", "lon", "lsoa21_code")), 1):
        try:
            code = normalise_postcode(row["postcode"])
        except PostcodeSyntaxError:
            problems.append(f"unreadable postcode {row['postcode']!r}")
            continue
        lat, lon = _point(row)
        ward, lsoa = row.get("wd25_code") or "", row["lsoa21_code"]
        if lsoa in wanted_lsoas and ward in ward_authority:
            keep(code, lat, lon, lsoa, ward, "ward_by_code")
        elif lsoa in wanted_lsoas and not ward and lat is not None:
            placing.append((code, lat, lon, lsoa))
        else:
            outside.append(Postcode(postcode=code, lat=lat, lon=lon))
            counts["postcodes_outside"] += 1
        if len(inside) + len(outside) + len(placing) >= BATCH:
            flush()
            progress("postcodes", number, 2_260_559)
    flush()
    lsoa_codes = sorted(set(points[0]))
    nearest_mean = demand_points.from_postcodes(lsoa_codes, np.array(points[0], dtype=object), *points[1:])
    return dict(counts), ward_votes, {code: (lat, lon) for code, (lon, lat) in nearest_mean.items()}


def _point(row) -> tuple[float | None, float | None]:
    """NSPL marks a postcode without a place by latitude 99.999999 and longitude 0."""
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except ValueError:
        return None, None
    return (None, None) if lat > 90 else (lat, lon)


def _indicators(bundle: Path, lsoas: set[str], problems: list[str]) -> list[LsoaIndicators]:
    lonely = {
        r["lsoa21_code"]: r
        for r in rows(bundle, "loneliness", ("lsoa21_code", "perc", "deciles"))
        if r["lsoa21_code"] in lsoas
    }
    people = {
        r["lsoa21_code"]: int(r["total_residents"])
        for r in rows(bundle, "population", ("lsoa21_code", "total_residents"))
        if r["lsoa21_code"] in lsoas
    }
    out = []
    for row in rows(bundle, "imd", ("lsoa21_code", "IMD_score", "IMD_rank", "IMD_decile")):
        code = row["lsoa21_code"]
        if code not in lsoas:
            continue
        if code not in lonely or code not in people:
            problems.append(f"LSOA {code} lacks loneliness or population data")
            continue
        out.append(
            LsoaIndicators(
                lsoa_id=code, imd_score=float(row["IMD_score"]), imd_rank=int(float(row["IMD_rank"])),
                imd_decile=int(float(row["IMD_decile"])), loneliness_pct=float(lonely[code]["perc"]),
                loneliness_decile=int(lonely[code]["deciles"]), population=people[code],
            )
        )  # fmt: skip
    return out


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
