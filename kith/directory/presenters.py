"""Turn directory records and search hits into the words and numbers pages show."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.timesince import timesince

from kith.directory import schedules as schedule_text
from kith.directory.models import ListingCheck, Location, Schedule, Service
from kith.directory.prefetch import related
from kith.directory.public import public_place
from kith.directory.search.meaning import want_names


def distance_text(metres: float | None) -> str:
    if metres is None:
        return ""
    if metres < 1000:
        return f"{round(metres / 10) * 10:.0f} m"
    return f"{metres / 1000:.1f} km"


def cost_text(service: Service) -> str:
    amounts = [c.amount for c in related(service, "cost_options")]
    words = service.fees_description.strip()
    if not amounts:
        return words
    if all(a is not None and a == 0 for a in amounts):
        # The organisation's own words when they say more than "Free" ("Free; donations welcome").
        return words if words.lower().startswith("free") else f"Free – {words}" if words else "Free"
    paid = sorted(a for a in amounts if a is not None and a > 0)
    if not paid:
        return words or "Ask about costs"
    if "£" in words:
        return words  # they gave the price in their own words: saying it twice helps nobody
    text = f"£{paid[0]:.2f}" + (" or more" if len(paid) > 1 and paid[-1] != paid[0] else "")
    return f"{text} – {words}" if words else text


def when_text(service: Service, location: Location | None) -> list[str]:
    rules: list[Schedule] = list(related(service, "schedules"))
    if not rules and location is not None:
        rules = list(related(location, "schedules"))
    lines = []
    for rule in rules:
        text = schedule_text.describe(rule.freq, rule.byday, rule.opens_at, rule.closes_at, rule.description)
        if text and text not in lines:
            lines.append(text)
    return lines


def ago_text(then: dt.datetime, now: dt.datetime) -> str:
    """'just now', 'today', or '3 weeks ago': never '0 minutes ago'."""
    gap = now - then
    if gap < dt.timedelta(minutes=2):
        return "just now"
    if gap < dt.timedelta(hours=12) and timezone.localtime(then).date() == timezone.localtime(now).date():
        return "today"
    return f"{timesince(then, now, depth=1)} ago"


def checked_text(
    checked_at: dt.datetime | None, *, role: str = "", method: str = "", now: dt.datetime | None = None
) -> str:
    """'Checked 3 weeks ago by a link worker (phoned)' or 'Not checked yet'."""
    if checked_at is None:
        return "Not checked yet"
    text = f"Checked {ago_text(checked_at, now or timezone.now())}"
    if role:
        text += f" by {'an' if role[0] in 'aeiou' else 'a'} {role}" if role != "import" else " (imported)"
    if method and method != "imported":
        text += f" ({dict(ListingCheck.Method.choices).get(method, method)})"
    return text


def address_text(location: Location | None) -> str:
    """The place on one line, as far as it may be published (see kith.directory.public)."""
    place = public_place(location)
    return place.text if place else ""


def public_distance_text(metres: float | None, location: Location | None) -> str:
    """A distance to a withheld address is given to the kilometre, so searches cannot pinpoint it."""
    if metres is not None and location is not None and location.is_sensitive:
        return f"about {max(1, round(metres / 1000))} km"
    return distance_text(metres)


@dataclass
class ResultRow:
    """One search result as the list, the map and the printable page show it."""

    uuid: str
    name: str
    organisation: str
    description: str
    where: str
    distance: str
    when: list[str]
    cost: str
    checked: str
    reasons: list[str]
    lon: float | None
    lat: float | None
    contact: dict = field(default_factory=dict)  # phones, email, website: filled in for the printable list
    matched: list[str] = field(default_factory=list)  # why the words found it, in words
    elsewhere: list[str] = field(default_factory=list)  # its other places in reach, with distances


def matched_text(hit, meaning) -> list[str]:
    """Why the words found a result: the wants they named that it offers, and where the words are in it."""
    if meaning is None:
        return []
    said = []
    for want in sorted(hit.wants, key=lambda w: ("/" not in w, w)):  # the finer want first
        words = " ".join(meaning.words[p] for p in sorted(meaning.wants.get(want, ())))
        said.append(f"{want_names().get(want, want)}, for “{words}”")
    if hit.matched_in:
        quoted = [f"“{w}”" for w in meaning.words]
        words = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
        said.append(f"{words} in its {hit.matched_in}")
    return said


def result_row(hit, *, query, now: dt.datetime | None = None, meaning=None) -> ResultRow:
    service, location = hit.service, hit.location
    when = when_text(service, location)
    cost = cost_text(service)
    checked = checked_text(hit.last_checked, now=now)
    place = public_place(location)
    distance = public_distance_text(hit.distance_m, location)
    reasons = [
        r
        for r in [
            cost if cost == "Free" else "",
            "access not known" if query is not None and query.step_free and not hit.access_known else "",
            "cost not known" if query is not None and query.free and not hit.cost_known else "",
            "times not known"
            if query is not None and (query.day is not None or query.open_now) and not hit.times_known
            else "",
            distance,
            when[0] if when else "",
            checked.replace("Checked ", "checked "),
        ]
        if r
    ]
    elsewhere = []
    for other, metres in hit.elsewhere:
        text = public_place(other).text
        away = public_distance_text(metres, other)
        elsewhere.append(f"{text} ({away})" if away else text)
    description = service.description
    if len(description) > 220:
        description = description[:217].rsplit(" ", 1)[0] + "…"
    return ResultRow(
        uuid=str(service.uuid),
        name=service.name,
        organisation=service.organisation.name,
        description=description,
        where=place.text if place else "",
        distance=distance,
        when=when,
        cost=cost,
        checked=checked,
        reasons=reasons,
        lon=place.longitude if place else None,
        lat=place.latitude if place else None,
        matched=matched_text(hit, meaning),
        elsewhere=elsewhere,
    )
