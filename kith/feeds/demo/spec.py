"""Plain records the demo builder writes: one asset (organisation + service + place)."""

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class ScheduleSpec:
    freq: str = "WEEKLY"
    byday: str = ""
    opens_at: dt.time | None = None
    closes_at: dt.time | None = None
    description: str = ""


@dataclass
class VenueSpec:
    """A place: several assets can share one (a library hosts a knit-and-natter)."""

    key: str
    name: str
    lon: float
    lat: float
    address_1: str = ""
    city: str = ""
    postcode: str = ""
    step_free: bool | None = None
    accessibility_note: str = ""
    opening: list[ScheduleSpec] = field(default_factory=list)


@dataclass
class AssetSpec:
    source: str  # which list it came from, e.g. "gm_libraries" or "generated"
    source_id: str
    organisation: str
    name: str
    description: str
    categories: list[str]  # taxonomy term codes (what matters, or OpenActive notation)
    kind: str
    scope: str
    venue: VenueSpec | None
    website: str = ""
    phone: str = ""
    email: str = ""
    schedules: list[ScheduleSpec] = field(default_factory=list)
    cost: float | None = None  # None: unknown; 0: free
    cost_description: str = ""
    minimum_age: int | None = None
    maximum_age: int | None = None
    eligibility: str = ""
    languages: list[tuple[str, str]] = field(default_factory=list)  # (name, ISO code)
    checks: list[tuple[int, str, str]] = field(default_factory=list)  # (days ago, method, role)
