"""Working days in England and the identifying-details check: pure functions, table-driven."""

import datetime as dt

import pytest

from kith.core.workdays import add_working_days, answer_due, bank_holidays, working_days_between
from kith.enquiries.privacy import identifying_details

D = dt.date


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # gov.uk's published England and Wales bank holidays.
        (2026, [D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4), D(2026, 5, 25), D(2026, 8, 31),
                D(2026, 12, 25), D(2026, 12, 28)]),
        (2027, [D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 3), D(2027, 5, 31), D(2027, 8, 30),
                D(2027, 12, 27), D(2027, 12, 28)]),
        (2021, [D(2021, 1, 1), D(2021, 4, 2), D(2021, 4, 5), D(2021, 5, 3), D(2021, 5, 31), D(2021, 8, 30),
                D(2021, 12, 27), D(2021, 12, 28)]),
        (2028, [D(2028, 1, 3), D(2028, 4, 14), D(2028, 4, 17), D(2028, 5, 1), D(2028, 5, 29), D(2028, 8, 28),
                D(2028, 12, 25), D(2028, 12, 26)]),
    ],
)  # fmt: skip
def test_bank_holidays(year, expected):
    assert sorted(bank_holidays(year)) == expected


@pytest.mark.parametrize(
    ("asked", "days", "due"),
    [
        (dt.datetime(2026, 11, 25, 10, 30), 2, dt.datetime(2026, 11, 27, 10, 30)),  # Wednesday → Friday
        (dt.datetime(2026, 11, 26, 16, 0), 2, dt.datetime(2026, 11, 30, 16, 0)),  # Thursday → Monday
        (dt.datetime(2026, 11, 28, 11, 0), 2, dt.datetime(2026, 12, 2, 9, 0)),  # Saturday counts from Monday 9am
        (dt.datetime(2026, 12, 23, 12, 0), 2, dt.datetime(2026, 12, 29, 12, 0)),  # over Christmas
        (dt.datetime(2027, 3, 25, 9, 0), 1, dt.datetime(2027, 3, 30, 9, 0)),  # over Easter
    ],
)
def test_add_working_days(asked, days, due):
    assert add_working_days(asked, days) == due


def test_an_answer_is_due_by_the_end_of_the_day_so_in_two_working_days_is_never_late():
    asked = dt.datetime(2026, 12, 1, 16, 30)  # a Tuesday afternoon
    due = answer_due(asked, 2)
    assert due.date() == dt.date(2026, 12, 3) and due > dt.datetime(2026, 12, 3, 17, 45)
    assert working_days_between(asked.date(), dt.date(2026, 12, 3)) == 2


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (D(2026, 11, 25), D(2026, 11, 25), 0),
        (D(2026, 11, 25), D(2026, 11, 27), 2),
        (D(2026, 11, 27), D(2026, 11, 30), 1),
        (D(2026, 12, 24), D(2026, 12, 29), 1),
        (D(2026, 11, 27), D(2026, 11, 20), 0),
    ],
)
def test_working_days_between(start, end, days):
    assert working_days_between(start, end) == days


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("wants to walk, anxious in big groups, no car", []),
        ("older man, likes gardening, 2 buses is too many", []),
        ("NHS number 943 476 5919, wants to sing", ["an NHS number or a phone number"]),
        ("call her on 07700 900123", ["a mobile number"]),
        ("email jo.bloggs@example.org", ["an email address"]),
        ("lives at M9 4DH", ["a full postcode"]),
        ("lives in M9, wants to swim", []),
        ("born 12/03/1948", ["a date of birth"]),
        ("Mrs Smith would like company", ["a name with a title"]),
        ("she was born in 1951", ["a year of birth"]),
    ],
)
def test_identifying_details(text, found):
    assert identifying_details(text) == found
