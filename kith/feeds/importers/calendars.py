"""iCalendar feeds from venues and groups, and RSS/Atom from newsletters, as listings with schedules."""

import datetime as dt

import feedparser
from icalendar import Calendar

from kith.feeds.importers.records import NewsRecord, OrganisationRecord, ScheduleRecord, ServiceRecord, text, url

WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def parse_ical(raw: bytes, *, organiser: str) -> list:
    try:
        calendar = Calendar.from_ical(raw)
    except ValueError as error:
        return [("", "", f"not an iCalendar file ({error})", None)]
    organisation = OrganisationRecord(source_id=organiser, name=text(calendar.get("X-WR-CALNAME")) or organiser)
    records = []
    for event in calendar.walk("VEVENT"):
        uid = text(event.get("UID"))
        name = text(event.get("SUMMARY"), limit=300)
        if not uid or not name:
            records.append((uid, name, "the event has no UID or no summary", None))
            continue
        try:
            start = event.decoded("DTSTART")
            end = event.decoded("DTEND") if event.get("DTEND") else None
        except (KeyError, ValueError):
            records.append((uid, name, "the event has no readable start", None))
            continue
        if not isinstance(start, dt.datetime):
            start = dt.datetime.combine(start, dt.time(0))
        rule = event.get("RRULE")
        if rule:
            freq = (rule.get("FREQ") or ["WEEKLY"])[0]
            byday = ",".join(rule.get("BYDAY") or [WEEKDAY_CODES[start.weekday()]])
            until = (rule.get("UNTIL") or [None])[0]
            until = until.date() if isinstance(until, dt.datetime) else until
        else:  # a one-off: weekly on its day, from and until that date
            freq, byday, until = "WEEKLY", WEEKDAY_CODES[start.weekday()], start.date()
        schedule = ScheduleRecord(
            freq=freq if freq in ("WEEKLY", "MONTHLY") else "WEEKLY",
            byday=byday,
            opens_at=start.time().replace(tzinfo=None),
            closes_at=end.time().replace(tzinfo=None) if isinstance(end, dt.datetime) else None,
            dtstart=start.date(),
            until=until,
        )
        dropped: list[str] = []
        records.append(
            ServiceRecord(
                source_id=uid,
                name=name,
                organisation=organisation,
                description=text(event.get("DESCRIPTION")),
                url=url(event.get("URL"), dropped),
                schedules=[schedule],
                dropped=dropped,
            )
        )
    return records


def parse_feed(raw: bytes, *, organiser: str) -> list:
    """RSS/Atom: items with an event date (RSS event module) become listings; the rest are news."""
    parsed = feedparser.parse(raw)
    if parsed.bozo and not parsed.entries:
        return [("", "", f"not an RSS or Atom feed ({type(parsed.bozo_exception).__name__})", None)]
    organisation = OrganisationRecord(
        source_id=organiser, name=text(parsed.feed.get("title")) or organiser, website=url(parsed.feed.get("link"), [])
    )
    records = []
    for entry in parsed.entries:
        start = entry.get("ev_startdate")
        if not start:
            records.append(_news(entry, publisher=organisation.name))
            continue
        try:
            when = dt.datetime.fromisoformat(start.replace("Z", "+00:00"))
        except ValueError:
            records.append((entry.get("id", ""), text(entry.get("title")), f"event date {start!r} is not a date", None))
            continue
        dropped: list[str] = []
        records.append(
            ServiceRecord(
                source_id=text(entry.get("id") or entry.get("link")),
                name=text(entry.get("title"), limit=300) or "Event",
                organisation=organisation,
                description=text(entry.get("summary")),
                url=url(entry.get("link"), dropped),
                schedules=[
                    ScheduleRecord(
                        freq="WEEKLY",
                        byday=WEEKDAY_CODES[when.weekday()],
                        opens_at=when.time(),
                        dtstart=when.date(),
                        until=when.date(),
                    )
                ],
                dropped=dropped,
            )
        )
    return records


def _published(entry) -> dt.datetime | None:
    when = entry.get("published_parsed") or entry.get("updated_parsed")  # feedparser gives UTC
    return dt.datetime(*when[:6], tzinfo=dt.UTC) if when else None


def _news(entry, *, publisher: str):
    """An item with no event date is news; one with no title or no id cannot be shown or found again."""
    source_id = text(entry.get("id") or entry.get("link"), limit=500)
    title = text(entry.get("title"), limit=300)
    if not source_id or not title:
        return (source_id, title, "the news item has no title or no id or link", None)
    dropped: list[str] = []
    return NewsRecord(
        source_id=source_id,
        title=title,
        publisher=publisher,
        summary=text(entry.get("summary"), limit=2000),
        link=url(entry.get("link"), dropped, "link"),
        published_at=_published(entry),
        dropped=dropped,
    )
