"""The dates a schedule falls on between two days, by dateutil's rrule (RFC 5545 recurrence rules)."""

import datetime as dt

from dateutil.rrule import FR, MO, MONTHLY, SA, SU, TH, TU, WE, WEEKLY, rrule

from kith.directory.schedules import parse_byday

WEEKDAYS = [MO, TU, WE, TH, FR, SA, SU]
FREQUENCIES = {"WEEKLY": WEEKLY, "MONTHLY": MONTHLY}
# Rules without a start date repeat from a fixed Monday, so "every other week" has a stable phase.
ANCHOR = dt.date(2024, 1, 1)


def _start(start: dt.date, first: dt.date, frequency: int, interval: int, counted: bool) -> dt.date:
    """The rule's start moved forward by whole periods to just before `first`, so expanding it costs the same
    however long ago it began; the phase of "every other week" is kept. A counted rule must start where it did."""
    if counted or start >= first:
        return start
    if frequency == WEEKLY:
        period = 7 * interval
        return start + dt.timedelta(days=((first - start).days // period) * period)
    months = (first.year - start.year) * 12 + first.month - start.month
    months -= months % interval
    year, month = divmod(start.month - 1 + months, 12)
    return dt.date(start.year + year, month + 1, 1)  # monthly rules here are by weekday, so day 1 keeps them


def dates(
    *,
    freq: str,
    byday: str,
    first: dt.date,
    last: dt.date,
    interval: int | None = None,
    dtstart: dt.date | None = None,
    until: dt.date | None = None,
    count: int | None = None,
) -> list[dt.date]:
    """Days from `first` to `last` (inclusive) on which the rule falls; [] for rules Kith cannot place."""
    frequency = FREQUENCIES.get((freq or "").upper())
    days = parse_byday(byday)
    if frequency is None or not days:
        return []
    weekdays = [WEEKDAYS[day](ordinal) if ordinal and frequency == MONTHLY else WEEKDAYS[day] for ordinal, day in days]
    interval = max(1, interval or 1)
    rule = rrule(
        frequency,
        interval=interval,
        byweekday=weekdays,
        dtstart=dt.datetime.combine(_start(dtstart or ANCHOR, first, frequency, interval, bool(count)), dt.time()),
        until=dt.datetime.combine(until, dt.time(23, 59)) if until else None,
        count=count if dtstart and not until else None,
    )
    start, end = dt.datetime.combine(first, dt.time()), dt.datetime.combine(last, dt.time(23, 59))
    return [moment.date() for moment in rule.between(start, end, inc=True)]
