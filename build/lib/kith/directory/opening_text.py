"""Read opening times written as text ("Mon-Fri: 6:30am-10pm", "Tuesdays & Fridays 12pm - 3pm").

Returns weekly rules where the text is plain enough to be sure; anything else is left to be
shown as written. Used by importers and the demo builder.
"""

import datetime as dt
import re
from dataclasses import dataclass

_DAYS = {
    "mon": 0,
    "monday": 0,
    "mondays": 0,
    "tue": 1,
    "tues": 1,
    "tuesday": 1,
    "tuesdays": 1,
    "wed": 2,
    "weds": 2,
    "wednesday": 2,
    "wednesdays": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "thursdays": 3,
    "fri": 4,
    "friday": 4,
    "fridays": 4,
    "sat": 5,
    "saturday": 5,
    "saturdays": 5,
    "sun": 6,
    "sunday": 6,
    "sundays": 6,
}
_DAY = r"(?:" + "|".join(sorted(_DAYS, key=len, reverse=True)) + r")\b"
_TIME = r"(\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?|12\s*noon|noon|midday)"
_SEGMENT = re.compile(
    rf"(?P<days>{_DAY}(?:\s*(?:-|–|to|&|and|,)\s*{_DAY})*)\s*[:,]?\s*(?:from\s*)?{_TIME}\s*(?:-|–|to)\s*{_TIME}",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class WeeklyRule:
    days: tuple[int, ...]  # 0 = Monday
    opens_at: dt.time
    closes_at: dt.time


def _clock(text: str, *, default_pm: bool | None = None) -> dt.time | None:
    text = text.strip().lower().replace(" ", "")
    if text in {"noon", "12noon", "midday"}:
        return dt.time(12, 0)
    match = re.fullmatch(r"(\d{1,2})(?:[:.](\d{2}))?(am|pm)?", text)
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half is None and default_pm is not None:
        half = "pm" if default_pm else "am"
    if half == "pm" and hour < 12:
        hour += 12
    if half == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def _days(text: str) -> tuple[int, ...]:
    tokens = re.findall(rf"{_DAY}|-|–|\bto\b", text, flags=re.IGNORECASE)
    days: list[int] = []
    i = 0
    while i < len(tokens):
        token = tokens[i].lower()
        if token in _DAYS:
            if i + 2 < len(tokens) and tokens[i + 1].lower() in {"-", "–", "to"}:
                start, end = _DAYS[token], _DAYS[tokens[i + 2].lower()]
                span = range(start, end + 1) if start <= end else [*range(start, 7), *range(0, end + 1)]
                days.extend(span)
                i += 3
                continue
            days.append(_DAYS[token])
        i += 1
    return tuple(sorted(set(days)))


def parse_opening_text(text: str) -> list[WeeklyRule]:
    rules = []
    for match in _SEGMENT.finditer(text or ""):
        end_text = match.group(3)
        closes = _clock(end_text)
        # "10 - 4pm": the opening time takes the closing time's half of the day if it fits.
        opens = _clock(match.group(2))
        if opens is not None and closes is not None and not re.search(r"am|pm|noon|midday", match.group(2), re.I):
            pm = _clock(match.group(2), default_pm=True)
            opens = pm if pm and pm < closes else _clock(match.group(2), default_pm=False)
        days = _days(match.group("days"))
        if opens and closes and closes > opens and days:
            rules.append(WeeklyRule(days, opens, closes))
    return rules


def parse_hours_range(text: str) -> list[tuple[dt.time, dt.time]]:
    """'08:30-13:00,14:00-17:30' -> two intervals; 'CLOSED' or nonsense -> none."""
    intervals = []
    for part in (text or "").split(","):
        match = re.fullmatch(r"\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*", part)
        if not match:
            continue
        opens, closes = _clock(match.group(1)), _clock(match.group(2))
        if opens and closes and closes > opens:
            intervals.append((opens, closes))
    return intervals
