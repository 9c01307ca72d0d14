"""Which listings are stale: vectorised over the search index, so a ward or the whole city costs the same few ms.

A check lasts the review period of the listing's category (the shortest, when it has several);
a listing never checked is the stalest of all.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

DAY = 86400.0


def review_days(
    categories: np.ndarray, category_bit: Mapping[str, int], periods: Mapping[str, int], default: int
) -> np.ndarray:
    """Per row: the shortest review period among its categories; `default` when it has none configured."""
    days = np.full(len(categories), np.inf)
    for code, bit in category_bit.items():
        has = (categories & (1 << bit)) != 0
        days[has] = np.minimum(days[has], periods.get(code, default))
    days[np.isinf(days)] = default
    return days


def age_days(checked_at: np.ndarray, now: float) -> np.ndarray:
    """Days since the last check; infinite where never checked."""
    age = (now - checked_at) / DAY
    return np.where(np.isnan(checked_at), np.inf, age)


@dataclass
class Listing:
    service_id: int
    age_days: float  # inf: never checked
    review_days: float

    @property
    def overdue_days(self) -> float:
        return self.age_days - self.review_days

    @property
    def stale(self) -> bool:
        return self.age_days > self.review_days


def per_service(service_id: np.ndarray, ages: np.ndarray, periods: np.ndarray) -> list[Listing]:
    """One entry per service (a service at several places has one check date and one period)."""
    ids, first = np.unique(service_id, return_index=True)
    return [Listing(int(i), float(ages[r]), float(periods[r])) for i, r in zip(ids, first, strict=True)]


def stale_count(service_id: np.ndarray, ages: np.ndarray, periods: np.ndarray) -> int:
    """How many services are stale, each counted once (as `per_service`, without an object per service)."""
    _, first = np.unique(service_id, return_index=True)
    return int(np.count_nonzero(ages[first] > periods[first]))


def by_area(
    area: np.ndarray, service_id: np.ndarray, ages: np.ndarray, periods: np.ndarray, n_areas: int
) -> dict[str, np.ndarray]:
    """Per area index: listings, checked within their period, stale, never checked (each service once an area)."""
    placed = area >= 0
    area, service_id, ages, periods = area[placed], service_id[placed], ages[placed], periods[placed]
    _, keep = np.unique(np.column_stack((area, service_id)), axis=0, return_index=True)
    area, ages, periods = area[keep], ages[keep], periods[keep]
    stale = ages > periods
    never = np.isinf(ages)
    return {
        "listings": np.bincount(area, minlength=n_areas),
        "fresh": np.bincount(area, weights=~stale, minlength=n_areas).astype(int),
        "stale": np.bincount(area, weights=stale, minlength=n_areas).astype(int),
        "never": np.bincount(area, weights=never, minlength=n_areas).astype(int),
    }
