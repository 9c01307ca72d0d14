"""What a shortfall means: a gap on the ground, a likely gap, or a gap in what Kith knows (ADR 0025)."""

import numpy as np

MEETS = "meets the standard"
GAP = "gap"
LIKELY_GAP = "likely gap"
MISSING_DATA = "may be missing data"
ORDER = (GAP, LIKELY_GAP, MISSING_DATA, MEETS)  # most certain shortfall first
CHECKED_SHARE = 0.5  # fewer than half the listings checked in six months: the directory may be behind

RULE = (
    "An area below the standard is labelled “gap” when it is below under every catchment setting and "
    "the category's open-data layers cover it; otherwise “may be missing data” when no open-data layer "
    "covers it or fewer than half its listings were checked in the last six months; otherwise “likely gap”."
)

VERDICT_EVERY = "below under every setting"
VERDICT_DEPENDS = "depends on the catchment"


def label(below: bool, below_everywhere: bool, covered: bool, listings: int, checked: int) -> str:
    """The label of one area and category; `covered` means an open-data layer of the category covers it."""
    if not below:
        return MEETS
    if below_everywhere and covered:
        return GAP
    if not covered or (listings and checked < CHECKED_SHARE * listings):
        return MISSING_DATA
    return LIKELY_GAP


def labels(below, below_everywhere, covered, listings, checked) -> np.ndarray:
    """`label` over aligned arrays."""
    return np.array(
        [
            label(bool(b), bool(e), bool(c), int(n), int(k))
            for b, e, c, n, k in zip(below, below_everywhere, covered, listings, checked, strict=True)
        ],
        dtype=object,
    )


def verdict(below: bool, below_everywhere: bool) -> str:
    """Whether a shortfall holds whichever catchment is chosen."""
    if not below:
        return ""
    return VERDICT_EVERY if below_everywhere else VERDICT_DEPENDS
