"""Disclosure control: small counts hidden, others rounded, totals from true sums, differences safe."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kith.core import disclosure
from kith.core.disclosure import SUPPRESSED, count, rate, table, total


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0, 0), (1, "*"), (7, "*"), (8, 10), (9, 10), (10, 10), (12, 10), (13, 15), (17, 15), (18, 20), (1234, 1235)],
)
def test_counts(value, shown):
    assert count(value) == shown


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        count(-1)


@given(st.integers(0, 10**7))
def test_a_shown_count_is_never_a_small_number_and_is_within_rounding(value):
    shown = count(value)
    if 1 <= value <= 7:
        assert shown == SUPPRESSED
    else:
        assert shown % 5 == 0 and abs(shown - value) <= 2
        assert shown == 0 or shown >= 10


@given(st.lists(st.integers(0, 500), min_size=1, max_size=40))
def test_totals_come_from_the_true_sum_not_the_rounded_cells(values):
    assert total(values) == count(sum(values))


@given(st.integers(0, 1000), st.integers(0, 1000))
def test_rates_only_with_a_denominator_of_at_least_eight(numerator, denominator):
    shown = rate(numerator, denominator, per=1000)
    if denominator < 8:
        assert shown == SUPPRESSED
    else:
        assert shown == round(numerator / denominator * 1000, 1)


def _consistent(shown):
    """Every true count that would be published as `shown`."""
    if shown == SUPPRESSED:
        return set(range(1, 8))
    return {v for v in range(max(0, shown - 2), shown + 3) if count(v) == shown}


@given(st.integers(0, 400), st.integers(1, 7))
def test_differencing_two_overlapping_areas_never_reveals_a_small_count(area, extra):
    """Publishing A and a larger area B = A + a few people must not pin down how many the few are."""
    bigger = area + extra
    candidates = {b - a for a in _consistent(count(area)) for b in _consistent(count(bigger)) if 1 <= b - a <= 7}
    assert extra in candidates
    assert len(candidates) >= 2, f"A={area}, B={bigger} reveal the difference {extra}"


@given(st.lists(st.integers(0, 60), min_size=2, max_size=12), st.integers(1, 7))
def test_differencing_periods_and_tables_never_reveals_a_small_count(cells, extra):
    """The same for a table published for two overlapping periods, one with a few more people in one cell."""
    later = list(cells)
    later[0] += extra
    published_before, published_after = table([{"n": c} for c in cells], ["n"]), table([{"n": c} for c in later], ["n"])
    for shown_before, shown_after in [
        (published_before.rows[0]["n"], published_after.rows[0]["n"]),
        (published_before.totals["n"], published_after.totals["n"]),
    ]:
        candidates = {b - a for a in _consistent(shown_before) for b in _consistent(shown_after) if 1 <= b - a <= 7}
        assert len(candidates) >= 2


@given(
    st.lists(
        st.fixed_dictionaries(
            {"ward": st.text(max_size=5), "people": st.integers(0, 300), "assets": st.integers(0, 300)}
        ),
        min_size=1,
        max_size=20,
    )
)
def test_tables_control_people_and_leave_assets_exact(rows):
    published = table(rows, ["people"], label_column="ward")
    for raw, shown in zip(rows, published.rows, strict=True):
        assert shown["assets"] == raw["assets"]
        assert shown["people"] == count(raw["people"])
    assert published.totals == {"people": count(sum(r["people"] for r in rows)), "ward": "Total"}
    assert disclosure.SMALLEST_SHOWN == 8
