"""How Kith orders search results: pure functions over numpy arrays."""

import numpy as np

FRESH_DAYS = 90  # checked within this many days counts as fully fresh
STALE_DAYS = 730  # by two years unchecked, freshness adds nothing

# Weights of (text, proximity, freshness) by what the person asked for.
WEIGHTS = {
    (True, True): (0.45, 0.40, 0.15),
    (True, False): (0.85, 0.0, 0.15),
    (False, True): (0.0, 0.85, 0.15),
    (False, False): (0.0, 0.0, 1.0),
}


def freshness(days_since_check: np.ndarray) -> np.ndarray:
    """1 when checked in the last 90 days, falling to 0 at two years; never checked is 0."""
    days = np.asarray(days_since_check, dtype=float)
    score = 1.0 - (days - FRESH_DAYS) / (STALE_DAYS - FRESH_DAYS)
    score = np.clip(score, 0.0, 1.0)
    return np.where(np.isnan(days), 0.0, score)


def proximity(distance_m: np.ndarray, radius_m: float) -> np.ndarray:
    """1 at the search point, 0 at the edge of the circle."""
    return np.clip(1.0 - np.asarray(distance_m, dtype=float) / radius_m, 0.0, 1.0)


def relevance(text: np.ndarray | None, near: np.ndarray | None, fresh: np.ndarray) -> np.ndarray:
    """Weighted sum; text scores are scaled so that the best match in the set scores 1."""
    w_text, w_near, w_fresh = WEIGHTS[(text is not None, near is not None)]
    score = w_fresh * fresh
    if text is not None:
        top = float(np.max(text)) if len(text) else 0.0
        score = score + w_text * (text / top if top > 0 else text)
    if near is not None:
        score = score + w_near * near
    return score


def best_per_group(group: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Row indices of the highest-scoring row of each group, best groups first (the first row of a group wins
    a tie within it, and the first group a tie between groups)."""
    if len(group) == 0:
        return np.empty(0, dtype=np.int64)
    if np.all(group[1:] >= group[:-1]) and not np.isnan(score).any():
        winners = _best_of_runs(group, score)
    else:
        order = np.lexsort((-score, group))  # by group, then best score first within it
        first = np.ones(len(order), dtype=bool)
        first[1:] = group[order][1:] != group[order][:-1]
        winners = order[first]
    return winners[np.argsort(-score[winners], kind="stable")]


def _best_of_runs(group: np.ndarray, score: np.ndarray) -> np.ndarray:
    """best_per_group's winners, in group order, when each group's rows are together (the search index's rows
    are ordered by service): no sort of every row, which at England's size costs milliseconds."""
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    best = np.maximum.reduceat(score, starts)
    counts = np.diff(np.r_[starts, len(group)])
    candidates = np.flatnonzero(score == np.repeat(best, counts))
    run = np.searchsorted(starts, candidates, side="right") - 1
    keep = np.r_[True, run[1:] != run[:-1]]
    return candidates[keep]
