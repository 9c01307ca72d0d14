"""When a schedule falls, table-driven: weekly, fortnightly, monthly by position, one-off, ended."""

import datetime as dt

import pytest

from kith.directory.occurrences import dates

D = dt.date
WEEK = {"first": D(2026, 11, 30), "last": D(2026, 12, 6)}  # Monday to Sunday


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"freq": "WEEKLY", "byday": "TU"}, [D(2026, 12, 1)]),
        ({"freq": "WEEKLY", "byday": "MO,WE,FR"}, [D(2026, 11, 30), D(2026, 12, 2), D(2026, 12, 4)]),
        ({"freq": "MONTHLY", "byday": "1TU"}, [D(2026, 12, 1)]),
        ({"freq": "MONTHLY", "byday": "2TU"}, []),
        ({"freq": "MONTHLY", "byday": "-1MO"}, [D(2026, 11, 30)]),  # last Monday of November
        ({"freq": "WEEKLY", "byday": "SA", "dtstart": D(2026, 12, 5), "until": D(2026, 12, 5)}, [D(2026, 12, 5)]),
        ({"freq": "WEEKLY", "byday": "SA", "dtstart": D(2026, 12, 19), "until": D(2026, 12, 19)}, []),  # later
        ({"freq": "WEEKLY", "byday": "TU", "until": D(2026, 11, 24)}, []),  # ended
        ({"freq": "WEEKLY", "byday": "TU", "interval": 2, "dtstart": D(2026, 11, 24)}, []),  # its week off
        ({"freq": "WEEKLY", "byday": "TU", "interval": 2, "dtstart": D(2026, 11, 17)}, [D(2026, 12, 1)]),
        ({"freq": "WEEKLY", "byday": "TU", "dtstart": D(2026, 11, 3), "count": 4}, []),  # its 4 were in November
        # Rules that began long ago give the same days as if expanded from their start.
        ({"freq": "WEEKLY", "byday": "TU", "interval": 2, "dtstart": D(2019, 11, 19)}, []),  # 367 weeks before
        ({"freq": "WEEKLY", "byday": "TU", "interval": 2, "dtstart": D(2019, 11, 26)}, [D(2026, 12, 1)]),  # 366
        ({"freq": "WEEKLY", "byday": "WE,FR", "dtstart": D(2001, 5, 17)}, [D(2026, 12, 2), D(2026, 12, 4)]),
        ({"freq": "MONTHLY", "byday": "1TU", "interval": 2, "dtstart": D(2020, 12, 1)}, [D(2026, 12, 1)]),
        ({"freq": "MONTHLY", "byday": "1TU", "interval": 2, "dtstart": D(2021, 1, 5)}, []),
        ({"freq": "WEEKLY", "byday": "TU", "dtstart": D(2026, 11, 3), "count": 5}, [D(2026, 12, 1)]),  # its 5th
        ({"freq": "DAILY", "byday": "TU"}, []),  # not a rule Kith places
        ({"freq": "WEEKLY", "byday": ""}, []),
    ],
)
def test_dates(rule, expected):
    assert dates(**rule, **WEEK) == expected


def test_the_sheet_keeps_every_day_in_turn_and_counts_the_rest():
    import datetime as dt

    from kith.whatson.week import for_one_sheet

    monday = dt.date(2026, 12, 7)
    days = [(monday + dt.timedelta(days=n), [f"{n}-{k}" for k in range(count)]) for n, count in enumerate([9, 1, 0, 3])]
    sheet = for_one_sheet(days, budget=6)
    assert [(day.day, found, more) for day, found, more in sheet] == [
        (7, ["0-0", "0-1", "0-2"], 6),
        (8, ["1-0"], 0),
        (10, ["3-0", "3-1"], 1),
    ]
    assert sum(len(found) for _, found, _ in sheet) == 6
