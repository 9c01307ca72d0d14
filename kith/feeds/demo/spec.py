"""How the demo writes a listing down: short constructors for the importer's own records, so the demo directory
goes through the same records and writer as every feed (one shape, one writer)."""

import datetime as dt

from django.utils import timezone

from kith.feeds.importers.records import LocationRecord, OrganisationRecord, ScheduleRecord, ServiceRecord


def make_schedule(*, freq: str = "WEEKLY", byday: str = "", opens_at=None, closes_at=None, description: str = ""):
    return ScheduleRecord(freq=freq, byday=byday, opens_at=opens_at, closes_at=closes_at, description=description)


def make_place(key: str, name: str, lon: float, lat: float, address_1: str = "", city: str = "", postcode: str = "",
          *, step_free: bool | None = None, accessibility_note: str = "", opening=()) -> LocationRecord:  # fmt: skip
    """A place, keyed so that the assets meeting there share it."""
    return LocationRecord(
        source_id=key[:200],
        name=name[:300],
        latitude=lat,
        longitude=lon,
        address_1=address_1,
        city=city,
        postcode=postcode,
        step_free=step_free,
        accessibility_note=accessibility_note,
        opening=list(opening),
    )


def make_asset(
    *,
    source: str,
    source_id: str,
    organisation: str,
    name: str,
    description: str,
    categories: list[str],
    kind: str,
    scope: str,
    venue: LocationRecord | None,
    website: str = "",
    phone: str = "",
    email: str = "",
    schedules=(),
    cost: float | None = None,
    cost_description: str = "",
    minimum_age: int | None = None,
    maximum_age: int | None = None,
    eligibility: str = "",
    languages=(),
    checks=(),
    now: dt.datetime | None = None,
) -> ServiceRecord:
    """One listing from one of the demo's lists (`source`, e.g. "gm_libraries", or "generated").

    `checks` are (days ago, method, by whom): when someone last confirmed it."""
    now = now or timezone.now()
    return ServiceRecord(
        source_id=f"{source}:{source_id}"[:200],
        name=name[:300],
        organisation=OrganisationRecord(source_id=organisation[:200], name=organisation[:300]),
        description=description,
        url=website[:500],
        email=email[:254] if "@" in email else "",
        fees=cost_description,
        minimum_age=minimum_age,
        maximum_age=maximum_age,
        categories=list(categories),
        locations=[venue] if venue is not None else [],
        schedules=list(schedules),
        cost=cost,
        cost_option="Per session" if cost else "",
        phone=phone,
        asset_kind=kind,
        scope=scope,
        eligibility=eligibility,
        languages=list(languages),
        checks=[(now - dt.timedelta(days=days), method, role) for days, method, role in checks],
    )


def demo_list(record: ServiceRecord) -> str:
    """Which of the demo's lists a record came from: "gm_libraries", "generated"."""
    return record.source_id.split(":", 1)[0]
