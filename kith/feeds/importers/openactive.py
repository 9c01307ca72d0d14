"""OpenActive RPDE feeds: SessionSeries and FacilityUse become services; deleted items retire them.

ScheduledSession and Slot items are single occurrences of a series or facility already imported,
so they are counted but not stored as separate listings.
"""

import datetime as dt

from kith.feeds.importers.records import (
    LocationRecord,
    OrganisationRecord,
    Quarantine,
    ScheduleRecord,
    ServiceRecord,
    email,
    text,
    url,
)

DAYS = {
    "Monday": "MO",
    "Tuesday": "TU",
    "Wednesday": "WE",
    "Thursday": "TH",
    "Friday": "FR",
    "Saturday": "SA",
    "Sunday": "SU",
}
LISTED_TYPES = {"SessionSeries", "FacilityUse", "IndividualFacilityUse", "Event", "EventSeries", "CourseInstance"}


class Deleted:
    def __init__(self, source_id: str):
        self.source_id = source_id


def parse_page(payload) -> tuple[list, str | None]:
    """The records of one RPDE page, and the next page's URL (None when this page is the last)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("items"), list):
        return [("", "", "not an RPDE page: it needs `items` and `next`", None)], None
    records = []
    for item in payload["items"]:
        if not isinstance(item, dict) or "id" not in item:
            records.append(("", "", "an RPDE item has no id", None))
            continue
        source_id = text(item.get("id"))
        if item.get("state") == "deleted":
            records.append(Deleted(source_id))
            continue
        data = item.get("data") or {}
        kind = data.get("@type") or data.get("type")
        if kind not in LISTED_TYPES:
            continue  # occurrences (ScheduledSession, Slot) of something listed already
        try:
            records.append(_service(source_id, data))
        except Quarantine as reason:
            records.append((source_id, text(data.get("name"))[:300], str(reason), item))
    following = payload.get("next")
    last = not payload["items"] or not isinstance(following, str)
    return records, None if last else following


def _schedule(spec: dict) -> ScheduleRecord | None:
    days = [DAYS.get(str(d).rsplit("/", 1)[-1]) for d in spec.get("byDay") or []]
    days = [d for d in days if d]
    if not days:
        return None

    def clock(value):
        try:
            return dt.time.fromisoformat(str(value)[:5]) if value else None
        except ValueError:
            return None

    frequency = "MONTHLY" if str(spec.get("repeatFrequency", "")).upper() == "P1M" else "WEEKLY"
    return ScheduleRecord(
        freq=frequency,
        byday=",".join(days),
        opens_at=clock(spec.get("startTime")),
        closes_at=clock(spec.get("endTime")),
    )


def _service(source_id: str, data: dict) -> ServiceRecord:
    name = text(data.get("name"), limit=300)
    if not name:
        raise Quarantine("the session has no name")
    dropped: list[str] = []
    organiser = data.get("organizer") or data.get("provider") or {}
    organisation = OrganisationRecord(
        source_id=text(organiser.get("@id") or organiser.get("id") or organiser.get("identifier") or name),
        name=text(organiser.get("name")) or name,
        website=url(organiser.get("url"), dropped, "organiser url"),
        email=email(organiser.get("email"), dropped, "organiser email"),
    )
    place = data.get("location") or {}
    geo = place.get("geo") or {}
    address = place.get("address") or {}
    locations = []
    if place:
        try:
            lat, lon = float(geo.get("latitude")), float(geo.get("longitude"))
        except (TypeError, ValueError):
            lat = lon = None
        locations.append(
            LocationRecord(
                source_id=text(
                    place.get("@id") or place.get("identifier") or place.get("name") or f"{source_id}:place"
                ),
                name=text(place.get("name"), limit=300),
                latitude=lat,
                longitude=lon,
                address_1=text(address.get("streetAddress"), limit=300) if isinstance(address, dict) else "",
                city=text(address.get("addressLocality"), limit=100) if isinstance(address, dict) else "",
                postcode=text(address.get("postalCode"), limit=10) if isinstance(address, dict) else "",
            )
        )
    schedules = [s for s in (_schedule(x) for x in data.get("eventSchedule") or [] if isinstance(x, dict)) if s]
    prices = []
    for offer in data.get("offers") or []:
        try:
            prices.append(float(offer.get("price")))
        except (TypeError, ValueError, AttributeError):
            continue
    ages = data.get("ageRange") or {}
    activities = [
        f"openactive:{text(a.get('prefLabel')).lower()}"
        for a in data.get("activity") or []
        if isinstance(a, dict) and a.get("prefLabel")
    ]
    return ServiceRecord(
        source_id=source_id,
        name=name,
        organisation=organisation,
        description=text(data.get("description")),
        url=url(data.get("url"), dropped),
        categories=["active", *activities],
        locations=locations,
        schedules=schedules,
        cost=min(prices) if prices else None,
        minimum_age=_age(ages.get("minValue")),
        maximum_age=_age(ages.get("maxValue")),
        dropped=dropped,
    )


def _age(value) -> int | None:
    try:
        age = int(value)
    except (TypeError, ValueError):
        return None
    return age if 0 <= age <= 150 else None
