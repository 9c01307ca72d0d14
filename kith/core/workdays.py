"""Working days in England: turnaround targets for enquiries skip weekends and bank holidays.

The rules are the standing ones (the Banking and Financial Dealings Act and the usual substitute
days). One-off bank holidays proclaimed for an occasion are not known here; see ADR 0013.
"""

import datetime as dt
from functools import cache

from dateutil.easter import easter
from dateutil.relativedelta import MO, relativedelta


def _substitute(day: dt.date, taken: set[dt.date]) -> dt.date:
    """A holiday on a weekend (or on another holiday's substitute) moves to the next free weekday."""
    while day.weekday() >= 5 or day in taken:
        day += dt.timedelta(days=1)
    return day


@cache
def bank_holidays(year: int) -> frozenset[dt.date]:
    days: set[dt.date] = set()
    days.add(_substitute(dt.date(year, 1, 1), days))
    sunday = easter(year)
    days |= {sunday - dt.timedelta(days=2), sunday + dt.timedelta(days=1)}
    days.add(dt.date(year, 5, 1) + relativedelta(weekday=MO(+1)))
    days.add(dt.date(year, 5, 31) + relativedelta(weekday=MO(-1)))
    days.add(dt.date(year, 8, 31) + relativedelta(weekday=MO(-1)))
    christmas = _substitute(dt.date(year, 12, 25), days)
    days.add(christmas)
    days.add(_substitute(dt.date(year, 12, 26), days))
    return frozenset(days)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The same time of day `days` working days later; asked on a day off counts from the next working day."""
    moment = start
    while not is_working_day(moment.date()):
        moment = (moment + dt.timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    added = 0
    while added < days:
        moment += dt.timedelta(days=1)
        if is_working_day(moment.date()):
            added += 1
    return moment


def answer_due(asked: dt.datetime, days: int) -> dt.datetime:
    """The end of the day `days` working days after `asked`: "by Thursday" means by the end of Thursday,
    so an answer given on that day is never counted late."""
    day = add_working_days(asked, days)
    return day.replace(hour=23, minute=59, second=59, microsecond=999999)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when answered the same day)."""
    if end <= start:
        return 0
    return sum(is_working_day(start + dt.timedelta(days=n)) for n in range(1, (end - start).days + 1))
