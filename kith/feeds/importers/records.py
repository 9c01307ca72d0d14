"""What every importer produces: plain records, checked and cleaned, ready to be written."""

import datetime as dt
import html
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.html import strip_tags

from kith.directory.models import ServiceStatus

_url = URLValidator(schemes=["http", "https"])
_email = EmailValidator()


class Quarantine(ValueError):
    """A record that cannot be imported; str(error) is the reason."""


# A complete listing whose feed names no organisation is kept under one placeholder organisation per
# source, named by the writer, and listed on the import page for someone to find the real one.
UNNAMED_ORGANISATION = "kith:organisation-not-given"
NO_ORGANISATION_NOTE = "the service names no organisation: kept under this feed's “organisation not given” for review"


def unnamed_organisation(dropped: list[str]) -> "OrganisationRecord":
    dropped.append(NO_ORGANISATION_NOTE)
    return OrganisationRecord(source_id=UNNAMED_ORGANISATION, name="")


@dataclass
class OrganisationRecord:
    source_id: str
    name: str
    description: str = ""
    website: str = ""
    email: str = ""


@dataclass
class ScheduleRecord:
    freq: str = ""
    byday: str = ""
    opens_at: dt.time | None = None
    closes_at: dt.time | None = None
    dtstart: dt.date | None = None
    until: dt.date | None = None
    description: str = ""


@dataclass
class LocationRecord:
    """A place; several services may meet at one (a library hosts a knit-and-natter)."""

    source_id: str
    name: str = ""
    latitude: float | None = None
    longitude: float | None = None
    address_1: str = ""
    city: str = ""
    postcode: str = ""
    step_free: bool | None = None  # None: not known
    accessibility_note: str = ""
    opening: list[ScheduleRecord] = field(default_factory=list)  # the place's opening hours, not sessions


@dataclass
class ServiceRecord:
    source_id: str
    name: str
    organisation: OrganisationRecord
    description: str = ""
    url: str = ""
    email: str = ""
    status: str = ServiceStatus.ACTIVE
    fees: str = ""
    accreditations: str = ""
    assured_date: dt.date | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    categories: list[str] = field(default_factory=list)  # taxonomy term codes or "openactive:<label>"
    locations: list[LocationRecord] = field(default_factory=list)
    schedules: list[ScheduleRecord] = field(default_factory=list)
    cost: float | None = None  # None: not known; 0: free
    cost_option: str = ""  # what the amount is for ("Per session"); "Free" is said for 0
    phone: str = ""
    asset_kind: str = ""  # an AssetKind; empty: the directory's default
    scope: str = ""  # a Scope; empty: the directory's default
    eligibility: str = ""
    languages: list[tuple[str, str]] = field(default_factory=list)  # (name, ISO 639 code)
    checks: list[tuple[dt.datetime, str, str]] = field(default_factory=list)  # (when, method, by whom) for new ones
    dropped: list[str] = field(default_factory=list)  # fields left out, with why


@dataclass
class NewsRecord:
    """An item from a newsletter feed with no event date."""

    source_id: str
    title: str
    publisher: str = ""
    summary: str = ""
    link: str = ""
    published_at: dt.datetime | None = None
    dropped: list[str] = field(default_factory=list)


def text(value, *, limit: int | None = None) -> str:
    """Plain text from whatever a feed sends: HTML removed, entities decoded, whitespace tidied."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    if "<" in value:  # the HTML parser is slow, so only text that has tags goes through it
        value = strip_tags(re.sub(r"<\s*(br|/p|/li|/div)\s*/?>", "\n", value, flags=re.I))
    if "&" in value:
        value = html.unescape(value)
    value = re.sub(r"[ \t\u00a0]+", " ", value)
    value = re.sub(r"\n\s*\n+", "\n\n", value).strip()
    return value[:limit] if limit else value


def url(value, dropped: list[str], name: str = "url") -> str:
    value = text(value)
    if not value:
        return ""
    if not value.startswith(("http://", "https://")):
        value = "https://" + value
    try:
        _url(value)
    except ValidationError:
        dropped.append(f"{name} {value[:80]!r} is not a web address")
        return ""
    return value[:500]


def email(value, dropped: list[str], name: str = "email") -> str:
    value = text(value)
    if not value:
        return ""
    try:
        _email(value)
    except ValidationError:
        dropped.append(f"{name} {value[:80]!r} is not an email address")
        return ""
    return value


def date(value, dropped: list[str], name: str) -> dt.date | None:
    value = text(value)
    if not value:
        return None
    try:
        parsed = dt.date.fromisoformat(value[:10])
    except ValueError:
        dropped.append(f"{name} {value[:40]!r} is not a real date")
        return None
    if not dt.date(1900, 1, 1) <= parsed <= dt.date(2100, 12, 31):
        dropped.append(f"{name} {value[:40]!r} is out of range")
        return None
    return parsed


def status(value) -> str:
    value = text(value).lower() or ServiceStatus.ACTIVE
    if value not in ServiceStatus.values:
        raise Quarantine(f"status {value!r} is not one of {', '.join(ServiceStatus.values)}")
    return value


def required_name(value, what: str) -> str:
    name = text(value, limit=300)
    if not name:
        raise Quarantine(f"the {what} has no name")
    return name
