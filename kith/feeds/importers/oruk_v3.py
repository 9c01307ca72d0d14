"""Open Referral UK 3.0 / HSDS 3.0 services (from an API page or a single service) as records."""

import datetime as dt

from kith.feeds.importers.records import (
    LocationRecord,
    OrganisationRecord,
    Quarantine,
    ScheduleRecord,
    ServiceRecord,
    date,
    email,
    required_name,
    status,
    text,
    unnamed_organisation,
    url,
)


def parse_page(payload) -> tuple[list, int]:
    """The records of one page, and how many pages there are (1 for a plain list)."""
    if isinstance(payload, dict) and isinstance(payload.get("contents"), list):
        pages = payload.get("total_pages")
        return [_one(x) for x in payload["contents"]], pages if isinstance(pages, int) and pages > 0 else 1
    if isinstance(payload, list):
        return [_one(x) for x in payload], 1
    if isinstance(payload, dict) and "id" in payload:
        return [_one(payload)], 1
    return [("", "", "not an ORUK page, list or service", None)], 1


def _one(item):
    if not isinstance(item, dict):
        return ("", "", "an entry is not a JSON object", {"value": str(item)[:200]})
    try:
        return _service(item)
    except Quarantine as reason:
        return (text(item.get("id")), text(item.get("name"))[:300], str(reason), item)


def _number(value):
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


def _time(value) -> dt.time | None:
    try:
        return dt.time.fromisoformat(text(value)[:8]) if value else None
    except ValueError:
        return None


def _service(item: dict) -> ServiceRecord:
    source_id = text(item.get("id"))
    if not source_id:
        raise Quarantine("the service has no id")
    dropped: list[str] = []
    org = item.get("organization") or {}
    org_id = text(org.get("id")) if isinstance(org, dict) else ""
    org_id = org_id or text(item.get("organization_id"))
    org_name = text(org.get("name")) if isinstance(org, dict) else ""
    if not org_id or not org_name:
        organisation = unnamed_organisation(dropped)
    else:
        organisation = OrganisationRecord(
            source_id=org_id,
            name=required_name(org_name, "organisation"),
            description=text(org.get("description")),
            website=url(org.get("website"), dropped, "organisation website"),
            email=email(org.get("email"), dropped, "organisation email"),
        )
    locations = []
    for sal in item.get("service_at_locations") or []:
        loc = (sal or {}).get("location") or {}
        if not isinstance(loc, dict) or not text(loc.get("id")):
            continue
        lat, lon = _number(loc.get("latitude")), _number(loc.get("longitude"))
        if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
            dropped.append(f"location {loc.get('id')} has impossible coordinates")
            lat = lon = None
        address = next(iter(loc.get("addresses") or []), {}) or {}
        locations.append(
            LocationRecord(
                source_id=text(loc.get("id")),
                name=text(loc.get("name"), limit=300),
                latitude=lat,
                longitude=lon,
                address_1=text(address.get("address_1"), limit=300),
                city=text(address.get("city"), limit=100),
                postcode=text(address.get("postal_code"), limit=10),
            )
        )
    schedules = [
        ScheduleRecord(
            freq=text(s.get("freq")).upper() if text(s.get("freq")).upper() in ("WEEKLY", "MONTHLY") else "",
            byday=text(s.get("byday"), limit=60),
            opens_at=_time(s.get("opens_at")),
            closes_at=_time(s.get("closes_at")),
            description=text(s.get("description"), limit=1000),
        )
        for s in item.get("schedules") or []
        if isinstance(s, dict)
    ]
    amounts = [_number(c.get("amount")) for c in item.get("cost_options") or [] if isinstance(c, dict)]
    amounts = [a for a in amounts if a is not None]
    categories = []
    for attribute in item.get("attributes") or []:
        term = (attribute or {}).get("taxonomy_term") or {}
        if isinstance(term, dict) and term.get("code"):
            categories.append(text(term.get("code")))
    minimum, maximum = _number(item.get("minimum_age")), _number(item.get("maximum_age"))
    phones = [text(p.get("number"), limit=30) for p in item.get("phones") or [] if isinstance(p, dict)]
    return ServiceRecord(
        source_id=source_id,
        name=required_name(item.get("name"), "service"),
        organisation=organisation,
        description=text(item.get("description")),
        url=url(item.get("url"), dropped),
        email=email(item.get("email"), dropped),
        status=status(item.get("status")),
        fees=text(item.get("fees")),
        accreditations=text(item.get("accreditations")),
        assured_date=date(item.get("assured_date"), dropped, "assured_date"),
        minimum_age=int(minimum) if minimum is not None and 0 <= minimum <= 150 else None,
        maximum_age=int(maximum) if maximum is not None and 0 <= maximum <= 150 else None,
        categories=categories,
        locations=locations,
        schedules=schedules,
        cost=min(amounts) if amounts else None,
        phone=next((p for p in phones if p), ""),
        dropped=dropped,
    )
