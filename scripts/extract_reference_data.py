"""Copy and extract the reference data Kith ships, from ../shared/reference.

Run from the repository root: `python scripts/extract_reference_data.py ../shared/reference`.
Byte-for-byte copies keep their names; extracts are described in kith/geo/data/SOURCES.md and
kith/directory/data/SOURCES.md. Only the standard library is used, so it runs anywhere.
"""

import csv
import itertools
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEO = ROOT / "kith" / "geo" / "data"
DIRECTORY = ROOT / "kith" / "directory" / "data"

COPIES = {
    "geography/boundaries/gm_local_authorities_2023_generalised.geojson": GEO,
    "geography/boundaries/gm_wards_2023_generalised.geojson": GEO,
    "geography/boundaries/gm_msoa21_generalised.geojson": GEO,
    "geography/boundaries/gm_lsoa21_generalised.geojson": GEO,
    "geography/boundaries/gm_combined_authority_2023_generalised.geojson": GEO,
    "geography/lookups/gm_lsoa21_to_ward24_lad24_bestfit.csv": GEO,
    "geography/postcodes/M_postcodes_latlon_nspl_may2025.csv": GEO,
    "deprivation/imd2025_lsoa21_greater_manchester.csv": GEO,
    "deprivation/loneliness_cls_lsoa21_greater_manchester.csv": GEO,
    "openactive/activity-list.jsonld": DIRECTORY,
    "community-assets/greater-manchester/gm_libraries.csv": DIRECTORY / "assets",
    "community-assets/greater-manchester/gm_pharmacies.csv": DIRECTORY / "assets",
    "community-assets/greater-manchester/gm_jobcentreplus.csv": DIRECTORY / "assets",
    "community-assets/trafford/trafford_community_hubs.csv": DIRECTORY / "assets",
    "community-assets/trafford/trafford_leisure_centres.csv": DIRECTORY / "assets",
    "community-assets/trafford/trafford_mental_health_services.csv": DIRECTORY / "assets",
    "community-assets/trafford/trafford_sports_clubs.csv": DIRECTORY / "assets",
    # Each dataset's README and licence travel with it (OGL asks for attribution).
    "community-assets/greater-manchester/LICENSE.traffordDataLab_open_data.txt": DIRECTORY / "assets",
    "community-assets/trafford/LICENSE.traffordDataLab_council_open_data.txt": DIRECTORY / "assets",
    "community-assets/greater-manchester/README.gm_food_banks.md": DIRECTORY / "assets",
    "community-assets/greater-manchester/README.gm_green_flag_parks.md": DIRECTORY / "assets",
    "community-assets/greater-manchester/README.gm_jobcentreplus.md": DIRECTORY / "assets",
    "community-assets/greater-manchester/README.gm_libraries.md": DIRECTORY / "assets",
    "community-assets/greater-manchester/README.gm_pharmacies.md": DIRECTORY / "assets",
    "community-assets/greater-manchester/README.gm_places_of_worship.md": DIRECTORY / "assets",
    "community-assets/trafford/README.trafford_community_hubs.md": DIRECTORY / "assets",
    "community-assets/trafford/README.trafford_leisure_centres.md": DIRECTORY / "assets",
    "community-assets/trafford/README.trafford_mental_health_services.md": DIRECTORY / "assets",
    "community-assets/trafford/README.trafford_sport_facilities.md": DIRECTORY / "assets",
    "community-assets/trafford/README.trafford_sports_clubs.md": DIRECTORY / "assets",
    "geography/boundaries/LICENSE.traffordDataLab.txt": GEO,
    "geography/postcodes/M_postcodes_README.odileeds.md": GEO,
}


def write_csv(path: Path, header: list[str], rows) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def ring_centroid(ring: list[list[float]]) -> tuple[float, float]:
    """Area-weighted centroid of a closed ring (lon/lat; fine for building-sized polygons)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area == 0:
        return ring[0][0], ring[0][1]
    return cx / (3 * area), cy / (3 * area)


def main(reference: Path) -> None:
    for relative, target in COPIES.items():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(reference / relative, target / Path(relative).name)

    # Population: one row per LSOA with Census 2021 usual residents (the file repeats it per category).
    seen = {}
    with (reference / "population/census2021_disability_lsoa21_greater_manchester.csv").open() as fh:
        for row in csv.DictReader(fh):
            seen.setdefault(row["lsoa21_code"], row["total_residents"])
    write_csv(GEO / "population_census2021_lsoa21.csv", ["lsoa21_code", "total_residents"], sorted(seen.items()))

    # Postcodes outside the M area that Trafford's ONSPD extract has (WA14, WA15, M-area rows skipped).
    with (reference / "geography/postcodes/trafford_postcodes.csv").open() as fh:
        rows = [(r["postcode"], r["lat"], r["lon"]) for r in csv.DictReader(fh) if not r["postcode"].startswith("M")]
    write_csv(GEO / "trafford_non_m_postcodes.csv", ["Postcode", "lat", "long"], sorted(rows))

    assets = DIRECTORY / "assets"
    # Green Flag parks without the named contact, phone and e-mail columns (personal data).
    with (reference / "community-assets/greater-manchester/gm_green_flag_parks.csv").open() as fh:
        rows = [(r["name"], r["managed"], r["website"], r["area_code"], r["lon"], r["lat"]) for r in csv.DictReader(fh)]
    write_csv(assets / "gm_green_flag_parks.csv", ["name", "managed", "website", "area_code", "lon", "lat"], rows)

    # Food banks: points to CSV, without the contact column (some are personal e-mail addresses).
    data = json.loads((reference / "community-assets/greater-manchester/gm_food_banks.geojson").read_text())
    rows = []
    for feature in data["features"]:
        p = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"][:2]
        rows.append(
            (
                p["Name"],
                p["Referral method"],
                p["Opening times"],
                p["Address"],
                p["Postcode"],
                p["Website"],
                p["Area code"],
                f"{lon:.6f}",
                f"{lat:.6f}",
            )
        )
    write_csv(
        assets / "gm_food_banks.csv",
        ["name", "referral_method", "opening_times", "address", "postcode", "website", "area_code", "lon", "lat"],
        rows,
    )

    # Places of worship: named OS OpenMap buildings only, polygon to centroid point.
    data = json.loads(
        (reference / "community-assets/greater-manchester/gm_places_of_worship_os_openmap.geojson").read_text()
    )
    rows, ids = [], set()
    for feature in data["features"]:
        p = feature["properties"]
        if p["DISTNAME"] == "Unknown" or p["ID"] in ids:
            continue
        ids.add(p["ID"])
        lon, lat = ring_centroid(feature["geometry"]["coordinates"][0])
        rows.append((p["ID"], p["DISTNAME"], p["area_code"], f"{lon:.6f}", f"{lat:.6f}"))
    write_csv(assets / "gm_places_of_worship.csv", ["os_id", "name", "area_code", "lon", "lat"], rows)

    # Sport England Active Places in Trafford: one row per site and facility, selected columns.
    keep = [
        "site_id",
        "site_name",
        "facility_type",
        "access_type",
        "street",
        "town",
        "postcode",
        "website",
        "disability_finding_reaching_entrance",
        "disability_activity_area",
        "disability_toilets",
        "disability_parking",
        "lon",
        "lat",
        "site_last_updated_date",
    ]
    with (reference / "community-assets/trafford/trafford_sport_facilities_active_places.csv").open() as fh:
        rows = [[r[k] for k in keep] for r in csv.DictReader(fh)]
    write_csv(assets / "trafford_sport_facilities.csv", keep, rows)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "reference"))
