"""Kith's CSV template for small groups: one row per activity. See docs/csv-template.md."""

import csv
import io

from kith.directory.opening_text import parse_opening_text
from kith.directory.schedules import DAY_CODES
from kith.feeds.importers.records import (
    LocationRecord,
    OrganisationRecord,
    Quarantine,
    ScheduleRecord,
    ServiceRecord,
    email,
    required_name,
    text,
    url,
)
from kith.geo.lookup import PlaceNotFound, find_postcode

COLUMNS = [
    "id",
    "group",
    "activity",
    "description",
    "what_matters",
    "when",
    "venue",
    "address",
    "postcode",
    "cost",
    "phone",
    "email",
    "website",
    "minimum_age",
    "maximum_age",
]
REQUIRED = {"id", "group", "activity"}


def parse(raw: bytes) -> list:
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [("", "", "the file is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8”", None)]
    reader = csv.DictReader(io.StringIO(content))
    missing = REQUIRED - set(reader.fieldnames or [])
    if missing:
        return [("", "", f"the file has no column {', '.join(sorted(missing))}; start from the template", None)]
    out = []
    for number, row in enumerate(reader, start=2):
        row = {k: (v or "") for k, v in row.items() if k}
        try:
            out.append(_row(row))
        except Quarantine as reason:
            out.append((row.get("id", ""), row.get("activity", ""), f"row {number}: {reason}", row))
    return out


def _row(row: dict) -> ServiceRecord:
    source_id = text(row["id"])
    if not source_id:
        raise Quarantine("the id is empty")
    dropped: list[str] = []
    locations = []
    postcode = text(row.get("postcode"))
    if postcode:
        try:
            found = find_postcode(postcode)
        except PlaceNotFound as error:
            dropped.append(f"postcode: {error}")
        else:
            locations.append(
                LocationRecord(
                    source_id=f"{source_id}:venue",
                    name=text(row.get("venue")),
                    latitude=found.lat,
                    longitude=found.lon,
                    address_1=text(row.get("address"), limit=300),
                    postcode=found.postcode,
                )
            )
    schedules = [
        ScheduleRecord(
            byday=",".join(DAY_CODES[d] for d in rule.days),
            opens_at=rule.opens_at,
            closes_at=rule.closes_at,
            freq="WEEKLY",
            description=text(row.get("when")),
        )
        for rule in parse_opening_text(row.get("when", ""))
    ]
    if row.get("when") and not schedules:
        dropped.append(f"when: {row['when'][:60]!r} is not a day and time Kith can read, such as “Tuesdays 10am-12pm”")
    cost = text(row.get("cost")).lower().replace("£", "")
    amount = 0.0 if cost in ("free", "0") else None
    if amount is None and cost:
        try:
            amount = float(cost)
        except ValueError:
            dropped.append(f"cost: {row['cost']!r} is not “free” or an amount in pounds")
    ages = []
    for name in ("minimum_age", "maximum_age"):
        value = text(row.get(name))
        ages.append(int(value) if value.isdigit() and int(value) <= 150 else None)
        if value and ages[-1] is None:
            dropped.append(f"{name}: {value!r} is not an age")
    return ServiceRecord(
        source_id=source_id,
        name=required_name(row.get("activity"), "activity"),
        organisation=OrganisationRecord(
            source_id=text(row["group"]).lower(),
            name=required_name(row["group"], "group"),
            website=url(row.get("website"), dropped, "website"),
        ),
        description=text(row.get("description")),
        email=email(row.get("email"), dropped),
        url=url(row.get("website"), dropped),
        categories=[c.strip() for c in row.get("what_matters", "").split(";") if c.strip()],
        locations=locations,
        schedules=schedules,
        cost=amount,
        phone=text(row.get("phone"), limit=40),
        minimum_age=ages[0],
        maximum_age=ages[1],
        dropped=dropped,
    )
