"""How much waits in the directory-keeping queues, for the staff home."""

import numpy as np
from django.utils import timezone

from kith.directory.search.index import get_index
from kith.enquiries.access import covered_wards
from kith.freshness.models import DEFAULT_REVIEW_DAYS, Claim, ReviewPeriod, Suggestion
from kith.freshness.stale import age_days, review_days, stale_count


def claims_waiting(user) -> int:
    return Claim.objects.filter(status=Claim.Status.WAITING).count()


def suggestions_waiting(user) -> int:
    return Suggestion.objects.filter(status=Suggestion.Status.WAITING).count()


def listings_due(user) -> int:
    """Listings past their review period in the reader's neighbourhoods (everywhere, for those who cover none)."""
    index = get_index()
    wards = covered_wards(user)
    if wards:
        rows = np.flatnonzero(np.isin(index.ward, [index.area_index(code) for code in wards]))
    else:
        rows = np.arange(len(index.service_id))
    return stale_count(index.service_id[rows], *ages_and_periods(index, rows))


def ages_and_periods(index, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: days since the last check, and the review period of its categories."""
    periods = dict(ReviewPeriod.objects.values_list("category__code", "days"))
    ages = age_days(index.checked_at[rows], timezone.now().timestamp())
    return ages, review_days(index.categories[rows], index.category_bit, periods, DEFAULT_REVIEW_DAYS)
