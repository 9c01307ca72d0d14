"""Opening-time text, recurrence rules and ranking: plain functions, table-driven."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kith.directory.opening_text import parse_hours_range, parse_opening_text
from kith.directory.schedules import describe, parse_byday, weekdays
from kith.directory.search import fulltext, ranking

T = dt.time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wednesday 10am - 4pm", [((2,), T(10), T(16))]),
        ("Wednesday 9:30am - 12noon", [((2,), T(9, 30), T(12))]),
        ("Tuesday - Friday 12noon - 2pm", [((1, 2, 3, 4), T(12), T(14))]),
        ("Thursday 1.30 - 3.30pm", [((3,), T(13, 30), T(15, 30))]),
        ("Weds 12-2pm", [((2,), T(12), T(14))]),
        (
            "Mon-Fri: 6:30am-10:00pm, Sat-Sun: 8:00am-6:00pm",
            [((0, 1, 2, 3, 4), T(6, 30), T(22)), ((5, 6), T(8), T(18))],
        ),
        ("Tuesdays, Wednesdays and Fridays, 10am-2pm", [((1, 2, 4), T(10), T(14))]),
        ("Monday to Friday, 9.30am-4pm", [((0, 1, 2, 3, 4), T(9, 30), T(16))]),
        ("Saturday & Sunday 7am - 9am.", [((5, 6), T(7), T(9))]),
        # Not plain enough to be sure: left as text.
        ("One morning per week", []),
        ("Wednesday 7:30pm", []),
        ("Not known", []),
        ("", []),
    ],
)
def test_opening_text(text, expected):
    rules = [(r.days, r.opens_at, r.closes_at) for r in parse_opening_text(text)]
    assert rules == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:30-13:00,14:00-17:30", [(T(8, 30), T(13)), (T(14), T(17, 30))]),
        ("CLOSED", []),
        ("09:00-08:00", []),
        ("", []),
    ],
)
def test_pharmacy_hours(text, expected):
    assert parse_hours_range(text) == expected


@pytest.mark.parametrize(
    ("freq", "byday", "days"),
    [
        ("WEEKLY", "MO,WE", {0, 2}),
        ("MONTHLY", "1TU", {1}),
        ("MONTHLY", "-1FR", {4}),
        ("WEEKLY", "", set()),
        ("", "MO", set()),
        ("WEEKLY", "XX,MO", {0}),
    ],
)
def test_weekdays_of_a_rule(freq, byday, days):
    assert weekdays(freq, byday) == days


def test_parse_byday_keeps_the_week_of_the_month():
    assert parse_byday("MO,1TU,-1FR") == [(None, 0), (1, 1), (-1, 4)]


@pytest.mark.parametrize(
    ("freq", "byday", "opens", "closes", "text"),
    [
        ("WEEKLY", "TU", T(10), T(11, 30), "Tuesdays, 10am to 11:30am"),
        ("WEEKLY", "MO,TU,WE,TH,FR", T(9), T(17), "Monday to Friday, 9am to 5pm"),
        ("MONTHLY", "1TU", T(19), T(21), "First Tuesday of the month, 7pm to 9pm"),
        ("WEEKLY", "SA,SU,MO,TU,WE,TH,FR", T(12), T(14), "Every day, midday to 2pm"),
        ("WEEKLY", "WE", None, None, "Wednesdays"),
    ],
)
def test_describe_a_schedule(freq, byday, opens, closes, text):
    assert describe(freq, byday, opens, closes) == text


@pytest.mark.parametrize(
    ("days", "score"),
    [(0, 1.0), (90, 1.0), (410, 0.5), (730, 0.0), (2000, 0.0), (np.nan, 0.0)],
)
def test_freshness(days, score):
    assert ranking.freshness(np.array([days]))[0] == pytest.approx(score)


def test_proximity_is_one_at_the_centre_and_zero_at_the_edge():
    assert ranking.proximity(np.array([0, 500, 1000, 1500]), 1000).tolist() == [1.0, 0.5, 0.0, 0.0]


def test_relevance_scales_text_to_the_best_match():
    fresh = np.zeros(2)
    score = ranking.relevance(np.array([2.0, 4.0]), None, fresh)
    assert score.tolist() == pytest.approx([0.425, 0.85])
    assert ranking.relevance(None, None, np.array([0.3])).tolist() == [0.3]


def test_best_row_per_service_then_best_first():
    group = np.array([7, 7, 3, 3, 9])
    score = np.array([0.2, 0.9, 0.5, 0.4, 0.1])
    assert ranking.best_per_group(group, score).tolist() == [1, 2, 4]
    assert ranking.best_per_group(np.array([], dtype=int), np.array([])).tolist() == []


@given(st.lists(st.tuples(st.integers(0, 6), st.sampled_from([0.0, 0.25, 0.5, 1.0, float("nan")])), max_size=40))
def test_best_per_group_takes_the_first_best_row_of_each_group_however_the_rows_come(rows):
    """Rows in group order take a quicker path than rows in any order; both agree with a plain reading."""
    for ordered in (sorted(rows, key=lambda r: r[0]), rows):
        group = np.array([g for g, _ in ordered], dtype=np.int64)
        score = np.array([s for _, s in ordered])
        expected = {}
        for i, (g, s) in enumerate(ordered):
            if g not in expected or (s > score[expected[g]]) or (np.isnan(score[expected[g]]) and not np.isnan(s)):
                expected[g] = i
        winners = ranking.best_per_group(group, score).tolist()
        assert sorted(winners) == sorted(expected.values())
        ranked = [score[w] for w in winners if not np.isnan(score[w])]
        assert ranked == sorted(ranked, reverse=True)


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Walking group", ["walking", "group"]),
        ('walk* OR "NEAR(x)" -y ^z', ["walk", "or", "near", "x", "y", "z"]),
        ("café à la carte", ["café", "à", "la", "carte"]),
        ("   ", []),
        ("w " * 40, ["w"] * 12),
    ],
)
def test_query_terms_drop_search_operators(text, terms):
    assert fulltext.query_terms(text) == terms


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "just now"), (1, "just now"), (30, "today"), (60 * 24 * 3, "3 days ago"), (60 * 24 * 22, "3 weeks ago")],
)
def test_how_long_ago_is_said_in_words(minutes, text):
    import datetime as dt

    from django.utils import timezone

    from kith.directory.presenters import ago_text

    now = timezone.make_aware(dt.datetime(2026, 12, 2, 15, 0))
    assert ago_text(now - dt.timedelta(minutes=minutes), now).replace("\xa0", " ") == text


@pytest.mark.parametrize(
    ("words", "amounts"),
    [
        ("Free", [Decimal(0)]),
        ("Free; donations welcome", [Decimal(0)]),
        ("free to all", [Decimal(0)]),
        ("No charge", [Decimal(0)]),
        ("£3 a session", [Decimal(3)]),
        ("£3.50 a session, £2 concessions", [Decimal("3.50"), Decimal(2)]),
        ("50p for tea", [Decimal("0.50")]),
        ("Donations welcome", None),
        ("Ask about costs", None),
        ("", None),
    ],
)
def test_a_cost_in_words_states_its_amounts(words, amounts):
    from kith.directory.costs import amounts_in

    assert amounts_in(words) == amounts


@pytest.mark.parametrize(
    ("service_id", "ids", "rows"),
    [
        ([1, 1, 2, 5, 5, 5, 9], [5, 1], [0, 1, 3, 4, 5]),  # several rows per service, asked in any order
        ([1, 2, 3], [4, 0], []),  # services the index does not hold
        ([], [1], []),
        ([2, 2, 3], [], []),
        ([3, 4, 4, 7], [7, 4, 3], [0, 1, 2, 3]),
    ],
)
def test_rows_of_services_finds_every_row_of_each_service(service_id, ids, rows):
    from kith.directory.search.columns import rows_of_services

    service_id, ids = np.array(service_id, dtype=np.int64), np.array(ids, dtype=np.int64)
    found, at = rows_of_services(service_id, ids)
    assert sorted(found.tolist()) == rows
    assert all(service_id[r] == ids[a] for r, a in zip(found, at, strict=True))
