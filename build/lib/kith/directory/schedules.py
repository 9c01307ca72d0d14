"""Read HSDS recurrence rules (freq, byday, opens_at, closes_at) as days and times."""

import datetime as dt
import re

DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_BYDAY = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")
PARTS_OF_DAY = ("morning", "afternoon", "evening")
PART_BIT = {part: 1 << i for i, part in enumerate(PARTS_OF_DAY)}
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}


def parse_byday(byday: str) -> list[tuple[int | None, int]]:
    """'MO,1TU,-1FR' -> [(None, 0), (1, 1), (-1, 4)]: (week of month or None, weekday 0=Monday)."""
    result = []
    for part in (byday or "").upper().replace(" ", "").split(","):
        match = _BYDAY.match(part)
        if match:
            ordinal = int(match.group(1)) if match.group(1) else None
            result.append((ordinal, DAY_CODES.index(match.group(2))))
    return result


def weekdays(freq: str, byday: str) -> set[int]:
    """Days of the week (0=Monday) on which a weekly or monthly rule can fall."""
    if (freq or "").upper() not in {"WEEKLY", "MONTHLY"}:
        return set()
    return {day for _, day in parse_byday(byday)}


def minutes(value: dt.time | None) -> int | None:
    return None if value is None else value.hour * 60 + value.minute


def describe(freq: str, byday: str, opens_at: dt.time | None, closes_at: dt.time | None, description: str = "") -> str:
    """'Tuesdays, 10am to 12pm' or 'First Tuesday of the month, 7pm to 9pm'."""
    days = parse_byday(byday)
    times = ""
    if opens_at and closes_at:
        times = f"{_clock(opens_at)} to {_clock(closes_at)}"
    elif opens_at:
        times = f"from {_clock(opens_at)}"
    if not days:
        return description or times
    if (freq or "").upper() == "MONTHLY":
        phrases = [f"{_ORDINALS.get(o, 'every').capitalize()} {DAY_NAMES[d]} of the month" for o, d in days]
        when = ", ".join(phrases)
    elif len(days) == 7:
        when = "Every day"
    elif sorted(d for _, d in days) == [0, 1, 2, 3, 4]:
        when = "Monday to Friday"
    else:
        when = ", ".join(DAY_NAMES[d] + "s" for _, d in sorted(days, key=lambda x: x[1]))
    return f"{when}, {times}" if times else when


def _clock(value: dt.time) -> str:
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    if value.hour == 12 and value.minute == 0:
        return "midday"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def parts_of_day(start_minute: int, end_minute: int) -> frozenset[str]:
    """Parts of the day a session touches: morning until noon, afternoon until 5pm, then evening."""
    parts = set()
    if start_minute < 12 * 60:
        parts.add("morning")
    if start_minute < 17 * 60 and end_minute > 12 * 60:
        parts.add("afternoon")
    if end_minute > 17 * 60:
        parts.add("evening")
    return frozenset(parts)


def when_short(day_mask: int, part_mask: int) -> str:
    """'Tuesday mornings', 'Mondays and Thursdays, evenings', 'weekdays' from index bitmasks."""
    days = [DAY_NAMES[d] for d in range(7) if day_mask & (1 << d)]
    parts = [p for p in PARTS_OF_DAY if part_mask & PART_BIT[p]]
    if not days:
        return ""
    if len(days) == 5 and day_mask & 0b11111 == 0b11111:
        when = "weekdays"
    elif len(days) == 7:
        when = "every day"
    elif len(days) == 1 and len(parts) == 1:
        return f"{days[0]} {parts[0]}s"
    else:
        when = " and ".join(
            [", ".join(d + "s" for d in days[:-1]), days[-1] + "s"] if len(days) > 1 else [days[0] + "s"]
        )
    return f"{when}, {' and '.join(p + 's' for p in parts)}" if parts else when
