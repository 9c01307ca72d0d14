"""Stale listings, table-driven over small arrays shaped like the search index."""

import numpy as np
import pytest

from kith.freshness.stale import DAY, age_days, by_area, per_service, review_days

BITS = {"active": 0, "social": 1, "advice": 2}


@pytest.mark.parametrize(
    ("mask", "periods", "expected"),
    [
        (0b000, {}, 180),  # no category: the default
        (0b001, {}, 180),
        (0b001, {"active": 365}, 365),
        (0b101, {"active": 365, "advice": 90}, 90),  # the shortest of its categories
        (0b110, {"advice": 90}, 90),
        (0b010, {"advice": 90}, 180),
    ],
)
def test_review_days(mask, periods, expected):
    assert review_days(np.array([mask]), BITS, periods, 180)[0] == expected


def test_age_days_never_checked_is_infinite():
    now = 1_000 * DAY
    ages = age_days(np.array([now - 3 * DAY, np.nan, now]), now)
    assert list(ages) == [3.0, np.inf, 0.0]


def test_per_service_counts_a_service_at_two_places_once():
    listings = per_service(np.array([7, 7, 9]), np.array([200.0, 200.0, np.inf]), np.array([180.0, 180.0, 180.0]))
    assert [(entry.service_id, entry.stale) for entry in listings] == [(7, True), (9, True)]
    assert listings[0].overdue_days == 20


def test_by_area_counts_each_service_once_per_area_and_skips_unplaced_rows():
    area = np.array([0, 0, 1, 1, -1])
    service = np.array([1, 1, 1, 2, 3])
    ages = np.array([10.0, 10.0, 10.0, np.inf, 500.0])
    periods = np.full(5, 180.0)
    counts = by_area(area, service, ages, periods, 3)
    assert counts["listings"].tolist() == [1, 2, 0]
    assert counts["fresh"].tolist() == [1, 1, 0]
    assert counts["stale"].tolist() == [0, 1, 0]
    assert counts["never"].tolist() == [0, 1, 0]
