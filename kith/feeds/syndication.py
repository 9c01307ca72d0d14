"""Directory listings in the formats other sites already read: iCalendar, RSS/Atom, GeoJSON, CSV."""

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur

from kith.core.spreadsheet import csv_text
from kith.directory.occurrences import dates
from kith.directory.prefetch import related
from kith.directory.presenters import address_text, cost_text, public_distance_text, when_text
from kith.directory.public import public_place

LONDON = ZoneInfo("Europe/London")


def first_date(rule, today: dt.date) -> dt.date | None:
    """The first day on or after today on which the schedule falls, by the one recurrence engine."""
    found = dates(
        freq=rule.freq, byday=rule.byday, interval=rule.interval, dtstart=rule.dtstart, until=rule.until,
        count=rule.count, first=today, last=today + dt.timedelta(days=400),
    )  # fmt: skip
    return found[0] if found else None


def calendar(hits, *, site: str, base_url: str, today: dt.date) -> bytes:
    cal = Calendar()
    cal.add("prodid", f"-//{site}//Kith directory//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{site}: what's on")
    cal.add("x-wr-timezone", "Europe/London")
    for hit in hits:
        service, location = hit.service, hit.location
        # Sessions only: a place's opening hours are not events (see kith.whatson.week.sessions).
        for rule in related(service, "schedules"):
            if not (rule.opens_at and rule.closes_at and rule.byday and rule.freq in ("WEEKLY", "MONTHLY")):
                continue
            day = first_date(rule, today)
            if day is None:  # ended, or a rule no calendar can show
                continue
            event = Event()
            event.add("uid", f"{rule.uuid}@kith")
            event.add("summary", service.name)
            event.add("dtstamp", dt.datetime.now(dt.UTC))
            event.add("dtstart", dt.datetime.combine(day, rule.opens_at, tzinfo=LONDON))
            event.add("dtend", dt.datetime.combine(day, rule.closes_at, tzinfo=LONDON))
            recurrence = {"FREQ": rule.freq, "BYDAY": [d.strip() for d in rule.byday.split(",") if d.strip()]}
            if rule.interval and rule.interval > 1:  # fortnightly is not weekly
                recurrence["INTERVAL"] = rule.interval
            if rule.until:
                recurrence["UNTIL"] = dt.datetime.combine(rule.until, dt.time(23, 59), tzinfo=LONDON)
            elif rule.count:
                recurrence["COUNT"] = rule.count
            event.add("rrule", vRecur(recurrence))
            event.add("description", f"{service.description}\n\n{base_url}/services/{service.uuid}/".strip())
            event.add("url", f"{base_url}/services/{service.uuid}/")
            where = address_text(location)
            if where:
                event.add("location", where)
            cal.add_component(event)
    # The VTIMEZONE for Europe/London, so calendars that do not know the zone still put BST right.
    cal.add_missing_timezones()
    return cal.to_ical()


def geojson(hits, *, base_url: str) -> dict:
    features = []
    for hit in hits:
        location = hit.location
        place = public_place(location)
        if place is None or place.latitude is None:
            continue
        lat, lon = place.latitude, place.longitude
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                "properties": {
                    "id": str(hit.service.uuid),
                    "name": hit.service.name,
                    "organisation": hit.service.organisation.name,
                    "url": f"{base_url}/services/{hit.service.uuid}/",
                    "when": when_text(hit.service, location),
                    "cost": cost_text(hit.service),
                    "last_checked": hit.last_checked.date().isoformat() if hit.last_checked else None,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


CSV_COLUMNS = ["name", "organisation", "address", "distance", "when", "cost", "last_checked", "url"]


def search_csv(hits, *, base_url: str) -> str:
    return csv_text(
        CSV_COLUMNS,
        (
            [
                hit.service.name,
                hit.service.organisation.name,
                address_text(hit.location),
                public_distance_text(hit.distance_m, hit.location),
                "; ".join(when_text(hit.service, hit.location)),
                cost_text(hit.service),
                hit.last_checked.date().isoformat() if hit.last_checked else "",
                f"{base_url}/services/{hit.service.uuid}/",
            ]
            for hit in hits
        ),
    )
