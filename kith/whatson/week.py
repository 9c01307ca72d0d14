"""A week of what's on: the directory's schedules expanded into days, times and places."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from kith.directory.occurrences import dates
from kith.directory.prefetch import related
from kith.directory.presenters import address_text, cost_text


@dataclass
class Occurrence:
    day: dt.date
    starts: dt.time | None
    ends: dt.time | None
    name: str
    organisation: str
    uuid: str
    where: str
    cost: str

    @property
    def times(self) -> str:
        if self.starts is None:
            return ""
        text = f"{self.starts:%-I:%M%p}".lower().replace(":00", "")
        if self.ends:
            text += f" to {self.ends:%-I:%M%p}".lower().replace(":00", "")
        return text


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def sessions(service) -> list:
    """The schedules that are sessions: a service's own. A place's schedule is its opening hours (a
    pharmacy open 9 to 6), which is not something on."""
    return list(related(service, "schedules"))


Days = list[tuple[dt.date, list["Occurrence"]]]


def week(
    hits, first: dt.date, days: int = 7, *, now: dt.datetime | None = None
) -> list[tuple[dt.date, list[Occurrence]]]:
    """Each day from `first`, with what happens on it, earliest first; each listing once per day and time.
    Sessions that have already ended today are left out."""
    now = timezone.localtime(now)
    last = first + dt.timedelta(days=days - 1)
    by_day: dict[dt.date, dict[tuple, Occurrence]] = {first + dt.timedelta(days=n): {} for n in range(days)}
    for hit in hits:
        service, location = hit.service, hit.location
        for rule in sessions(service):
            for day in dates(
                freq=rule.freq,
                byday=rule.byday,
                first=first,
                last=last,
                interval=rule.interval,
                dtstart=rule.dtstart,
                until=rule.until,
                count=rule.count,
            ):
                ended = rule.closes_at or rule.opens_at
                if day < now.date() or (day == now.date() and ended is not None and ended <= now.time()):
                    continue
                key = (service.pk, rule.opens_at)
                by_day[day].setdefault(
                    key,
                    Occurrence(
                        day=day,
                        starts=rule.opens_at,
                        ends=rule.closes_at,
                        name=service.name,
                        organisation=service.organisation.name,
                        uuid=str(service.uuid),
                        where=address_text(location),
                        cost=cost_text(service),
                    ),
                )
    return [
        (day, sorted(found.values(), key=lambda o: (o.starts or dt.time(23, 59), o.name)))
        for day, found in by_day.items()
    ]


# What fits on one sheet of A4 beside the heading, new listings and news (measured in Chromium's A4 print).
SHEET_SESSIONS = 16


def for_one_sheet(days: Days, budget: int = SHEET_SESSIONS) -> list[tuple[dt.date, list[Occurrence], int]]:
    """The week cut to fit one printed sheet: every day keeps its first sessions in turn (earliest first),
    one round at a time, so no day is crowded out; each day says how many more there are online."""
    kept: dict[dt.date, list[Occurrence]] = {day: [] for day, found in days if found}
    taken = 0
    depth = 0
    while taken < budget and any(len(found) > depth for _, found in days):
        for day, found in days:
            if taken >= budget:
                break
            if len(found) > depth:
                kept[day].append(found[depth])
                taken += 1
        depth += 1
    return [(day, kept[day], len(found) - len(kept[day])) for day, found in days if found]
