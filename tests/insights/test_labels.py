"""The completeness rule: gap, likely gap or may be missing data, from the rule's own words."""

import pytest

from kith.insights.labels import GAP, LIKELY_GAP, MEETS, MISSING_DATA, label, verdict


@pytest.mark.parametrize(
    ("below", "everywhere", "covered", "listings", "checked", "expected"),
    [
        (False, False, True, 10, 10, MEETS),
        (False, False, False, 0, 0, MEETS),
        # Below under every setting where open data covers the area: a gap, however fresh the listings.
        (True, True, True, 10, 10, GAP),
        (True, True, True, 10, 1, GAP),
        (True, True, True, 0, 0, GAP),
        # No open-data layer: the directory alone cannot say.
        (True, True, False, 10, 10, MISSING_DATA),
        (True, False, False, 0, 0, MISSING_DATA),
        # Covered, depends on the catchment: likely, unless the listings are stale.
        (True, False, True, 10, 5, LIKELY_GAP),
        (True, False, True, 10, 4, MISSING_DATA),
        (True, False, True, 0, 0, LIKELY_GAP),
    ],
)
def test_label(below, everywhere, covered, listings, checked, expected):
    assert label(below, everywhere, covered, listings, checked) == expected


def test_verdict():
    assert verdict(False, False) == ""
    assert verdict(True, True) == "below under every setting"
    assert verdict(True, False) == "depends on the catchment"
