"""Read the real Greater Manchester asset lists shipped in kith/directory/data/assets."""

import csv
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from kith.directory.models import AssetKind, Scope
from kith.directory.opening_text import parse_hours_range, parse_opening_text
from kith.directory.schedules import DAY_CODES
from kith.feeds.demo.spec import make_asset, make_place, make_schedule
from kith.feeds.importers.records import ScheduleRecord, ServiceRecord

ASSETS = Path(__file__).resolve().parents[2] / "directory" / "data" / "assets"
Geocode = Callable[[str], tuple[float, float] | None]


def _rows(name: str) -> list[dict[str, str]]:
    with (ASSETS / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _clean(value: str) -> str:
    value = (value or "").strip()
    return "" if value.upper() in {"NA", "N/A", "NONE", "NOT KNOWN", "NOT RELEVANT"} else value


def _url(value: str) -> str:
    value = _clean(value)
    if value and not value.startswith(("http://", "https://")):
        value = "http://" + value
    return value if re.match(r"^https?://[^\s/$.?#].[^\s]*$", value) else ""


def _address(text: str) -> tuple[str, str]:
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    if not parts:
        return "", ""
    return ", ".join(parts[:-1]) or parts[0], parts[-1]


def _rules_to_specs(text: str) -> list[ScheduleRecord]:
    return [
        make_schedule(
            byday=",".join(DAY_CODES[d] for d in rule.days),
            opens_at=rule.opens_at,
            closes_at=rule.closes_at,
            description=text.strip(),
        )
        for rule in parse_opening_text(text)
    ]


def libraries(geocode: Geocode) -> Iterator[ServiceRecord]:
    for row in _rows("gm_libraries.csv"):
        line, city = _address(row["address"])
        venue = make_place(
            f"library:{row['name']}", row["name"], float(row["lon"]), float(row["lat"]), line, city, row["postcode"]
        )
        yield make_asset(
            source="gm_libraries",
            source_id=row["name"],
            organisation=f"{row['area_name']} Libraries",
            name=row["name"],
            description=f"{row['type']}: borrow books, use computers and free wifi, join events and groups.",
            categories=["learning/libraries", "digital"],
            kind=AssetKind.PUBLIC_SERVICE,
            scope=Scope.LOCAL,
            venue=venue,
            website=_url(row["website"]),
            email=_clean(row["email"]),
            cost=0,
        )


def parks(geocode: Geocode) -> Iterator[ServiceRecord]:
    for row in _rows("gm_green_flag_parks.csv"):
        venue = make_place(f"park:{row['name']}", row["name"], float(row["lon"]), float(row["lat"]))
        yield make_asset(
            source="gm_green_flag_parks",
            source_id=row["name"],
            organisation=row["managed"] or row["name"],
            name=row["name"],
            description="A Green Flag Award park or green space, free to visit.",
            categories=["nature/parks", "active/walking"],
            kind=AssetKind.PUBLIC_SPACE,
            scope=Scope.LOCAL,
            venue=venue,
            website=_url(row["website"]),
            cost=0,
        )


def food_banks(geocode: Geocode) -> Iterator[ServiceRecord]:
    for i, row in enumerate(_rows("gm_food_banks.csv")):
        line, city = _address(row["address"])
        venue = make_place(
            f"foodbank:{i}", line or row["name"], float(row["lon"]), float(row["lat"]), line, city, row["postcode"]
        )
        times = _clean(row["opening_times"])
        referral = _clean(row["referral_method"])
        yield make_asset(
            source="gm_food_banks",
            source_id=str(i),
            organisation=row["name"],
            name=f"{row['name']} food bank",
            description="Emergency food." + (f" Opening times: {times}" if times else ""),
            categories=["food/food-banks"],
            kind=AssetKind.VCSE,
            scope=Scope.LOCAL,
            venue=venue,
            website=_url(row["website"]),
            schedules=_rules_to_specs(times),
            cost=0,
            eligibility=f"Referral: {referral}" if referral else "",
        )


def places_of_worship(geocode: Geocode) -> Iterator[ServiceRecord]:
    for row in _rows("gm_places_of_worship.csv"):
        venue = make_place(f"worship:{row['os_id']}", row["name"], float(row["lon"]), float(row["lat"]))
        yield make_asset(
            source="gm_places_of_worship",
            source_id=row["os_id"],
            organisation=row["name"],
            name=row["name"],
            description="A place of worship (Ordnance Survey OpenMap Local).",
            categories=["faith/worship"],
            kind=AssetKind.FAITH,
            scope=Scope.LOCAL,
            venue=venue,
        )


def pharmacies(geocode: Geocode) -> Iterator[ServiceRecord]:
    days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    for row in _rows("gm_pharmacies.csv"):
        point = geocode(row["postcode"])
        if point is None:
            continue
        line, city = _address(row["address"])
        opening = [
            make_schedule(byday=DAY_CODES[d], opens_at=opens, closes_at=closes)
            for d, day in enumerate(days)
            for opens, closes in parse_hours_range(row[f"opening_hours_{day}"])
        ]
        venue = make_place(
            f"pharmacy:{row['organisation_data_service_code']}",
            row["pharmacy_name"],
            point[0],
            point[1],
            line,
            city,
            row["postcode"],
            opening=opening,
        )
        yield make_asset(
            source="gm_pharmacies",
            source_id=row["organisation_data_service_code"],
            organisation=row["pharmacy_name"],
            name=row["pharmacy_name"],
            description="Community pharmacy: advice on minor illnesses, medicines and health checks.",
            categories=["health/pharmacies"],
            kind=AssetKind.BUSINESS,
            scope=Scope.LOCAL,
            venue=venue,
            cost=0,
        )


def jobcentres(geocode: Geocode) -> Iterator[ServiceRecord]:
    for row in _rows("gm_jobcentreplus.csv"):
        line, city = _address(row["address"])
        venue = make_place(
            f"jobcentre:{row['name']}",
            f"{row['name']} Jobcentre",
            float(row["lon"]),
            float(row["lat"]),
            line,
            city,
            row["postcode"],
            step_free=True,
        )
        yield make_asset(
            source="gm_jobcentreplus",
            source_id=row["name"],
            organisation="Jobcentre Plus",
            name=f"{row['name']} Jobcentre",
            description="Help with finding work and claiming benefits.",
            categories=["volunteering/employment", "money/benefits"],
            kind=AssetKind.PUBLIC_SERVICE,
            scope=Scope.LOCAL,
            venue=venue,
            cost=0,
            minimum_age=16,
        )


def community_hubs(geocode: Geocode) -> Iterator[ServiceRecord]:
    for row in _rows("trafford_community_hubs.csv"):
        line, city = _address(row["address"])
        venue = make_place(
            f"hub:{row['community_hub']}",
            line or row["community_hub"],
            float(row["lon"]),
            float(row["lat"]),
            line,
            city,
            row["postcode"],
        )
        yield make_asset(
            source="trafford_community_hubs",
            source_id=row["community_hub"],
            organisation=f"{row['community_hub']} Community Hub",
            name=f"{row['community_hub']} Community Hub",
            description=f"Community hub: food, advice and company. Open {row['opening_hours']}.",
            categories=["social/community-centres", "food/food-banks"],
            kind=AssetKind.VCSE,
            scope=Scope.LOCAL,
            venue=venue,
            website=_url(row["website"]),
            email=_clean(row["email"]),
            phone=_clean(row["telephone"]),
            schedules=_rules_to_specs(row["opening_hours"]),
            cost=0,
        )


def leisure_centres(geocode: Geocode) -> Iterator[ServiceRecord]:
    for row in _rows("trafford_leisure_centres.csv"):
        line, city = _address(row["address"])
        name = " ".join(row["name"].split())
        venue = make_place(
            f"leisure:{name}",
            name,
            float(row["lon"]),
            float(row["lat"]),
            line,
            city,
            row["postcode"],
            step_free=True,
            opening=_rules_to_specs(row["opening_hours"]),
        )
        yield make_asset(
            source="trafford_leisure_centres",
            source_id=name,
            organisation=" ".join(row["managed_by"].split()),
            name=name,
            description=" ".join(row["facilities"].split()),
            categories=["active/gym", "active/swimming"],
            kind=AssetKind.PUBLIC_SERVICE,
            scope=Scope.LOCAL,
            venue=venue,
            website=_url(row["website"]),
            phone=_clean(row["telephone"]),
            cost=5.0,
            cost_description="Pay as you go; concessions available",
        )


def mental_health_services(geocode: Geocode) -> Iterator[ServiceRecord]:
    for row in _rows("trafford_mental_health_services.csv"):
        point = geocode(row["postcode"])
        line, city = _address(row["address"])
        venue = None
        if point:
            venue = make_place(
                f"mh:{row['name']}", line or row["name"], point[0], point[1], line, city, row["postcode"]
            )
        yield make_asset(
            source="trafford_mental_health_services",
            source_id=f"{row['name']}:{row['postcode']}",  # one charity, several places
            organisation=row["name"],
            name=row["name"],
            description=row["description"],
            categories=["mental-health"],
            kind=AssetKind.VCSE,
            scope=Scope.CITY_WIDE,
            venue=venue,
            website=_url(row["website"]),
            phone=_clean(row["telephone"]),
            cost=0,
        )


def sport_facilities(geocode: Geocode) -> Iterator[ServiceRecord]:
    for row in _rows("trafford_sport_facilities.csv"):
        if row["access_type"] == "Private Use":
            continue
        venue = make_place(
            f"activeplaces:{row['site_id']}",
            row["site_name"],
            float(row["lon"]),
            float(row["lat"]),
            row["street"],
            row["town"],
            row["postcode"],
            step_free=row["disability_finding_reaching_entrance"] == "Yes" and row["disability_activity_area"] == "Yes",
        )
        free = row["access_type"] == "Free Public Access"
        yield make_asset(
            source="trafford_sport_facilities",
            source_id=f"{row['site_id']}:{row['facility_type']}:{row['access_type']}",
            organisation=row["site_name"],
            name=f"{row['facility_type']} at {row['site_name']}",
            description=f"{row['facility_type']} ({row['access_type'].lower()}). Source: Sport England Active Places.",
            categories=["active/sport"],
            kind=AssetKind.PUBLIC_SERVICE if free else AssetKind.BUSINESS,
            scope=Scope.LOCAL,
            venue=venue,
            website=_url(row["website"]),
            cost=0 if free else None,
        )


def sports_clubs(geocode: Geocode) -> Iterator[ServiceRecord]:
    for row in _rows("trafford_sports_clubs.csv"):
        point = geocode(row["postcode"])
        if point is None:
            continue
        line, city = _address(row["address"])
        venue = make_place(f"club:{row['name']}", line or row["name"], point[0], point[1], line, city, row["postcode"])
        sports = [s.strip() for s in row["category"].split(",") if s.strip()]
        yield make_asset(
            source="trafford_sports_clubs",
            source_id=row["name"],
            organisation=row["name"],
            name=row["name"],
            description=f"{row['category']} club in Trafford.",
            categories=["active/sport", *(f"openactive:{s}" for s in sports)],
            kind=AssetKind.VCSE,
            scope=Scope.LOCAL,
            venue=venue,
        )


READERS = [
    libraries,
    parks,
    food_banks,
    places_of_worship,
    pharmacies,
    jobcentres,
    community_hubs,
    leisure_centres,
    mental_health_services,
    sport_facilities,
    sports_clubs,
]


def real_assets(geocode: Geocode) -> Iterator[ServiceRecord]:
    for reader in READERS:
        yield from reader(geocode)
