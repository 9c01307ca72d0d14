"""The search index's shape: one row per service and place, column-wise, and what is derived from the rows."""

from dataclasses import dataclass, field

import numpy as np

from kith.directory.search.spelling import Spelling


@dataclass
class SearchIndex:
    token: str  # the directory state it reflects (index.py): its token and version
    service_id: np.ndarray
    location_id: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    categories: np.ndarray  # bit i set: the row offers want number i
    days: np.ndarray  # bit d set: runs on weekday d (0=Monday)
    # The day (ordinal) after which the row no longer happens: every schedule of it has ended; +inf when
    # open-ended or unscheduled. Compared with today at query time, so a one-off event drops out after
    # its day without the index being rebuilt.
    ends_on: np.ndarray
    free: np.ndarray
    cost_known: np.ndarray  # any cost is recorded (so "not free" means something)
    step_free: np.ndarray
    access_known: np.ndarray  # the place has any accessibility record (so "not step-free" means something)
    min_age: np.ndarray
    max_age: np.ndarray
    checked_at: np.ndarray  # seconds since the epoch; NaN if never checked
    parts: np.ndarray  # bits of schedules.PART_BIT: the parts of the day it runs in
    languages: np.ndarray  # bit language_bit[code] set: offered in that language
    lsoa: np.ndarray  # index into area_codes; -1 if none
    ward: np.ndarray
    local_authority: np.ndarray
    landmark: np.ndarray  # a named, public, not sensitive place (maps.orientation)
    # The directory version at or after which the row's service last changed, and no later than the index's:
    # two indexes that give a row the same stamp hold the same listing, so a page showing it can be reused.
    stamp: np.ndarray
    area_codes: list[str]
    area_positions: dict[str, int]
    category_bit: dict[str, int]
    language_bit: dict[str, int]
    # Every "what matters" want, top-level or finer, → the rows offering it, ascending. A person who
    # wants walking is matched on walking, not on all of "being active" (ADR 0004).
    term_rows: dict[str, np.ndarray] = field(default_factory=dict)
    # A top-level want → the rows offering it and none of its finer wants: a listing tagged only "Arts and
    # creativity" may well be the knitting someone asked for; one tagged "Singing" is not.
    broad_rows: dict[str, np.ndarray] = field(default_factory=dict)
    # Opening intervals: interval k is row iv_row[k], weekday iv_day[k], minutes iv_start..iv_end.
    iv_row: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    iv_day: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int8))
    iv_start: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int16))
    iv_end: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int16))
    # The words of listings' names and of the taxonomy, to read a misspelt query as what was meant.
    spelling: Spelling = field(default_factory=lambda: Spelling(frozenset(), ()))
    version: int = 0
    # The last day (ordinal) on which the rows are right: the day before a schedule ends or starts.
    fresh_until: float = float("inf")
    spliced: int = 0  # changes spliced in since it was built
    # What search's words scored over these rows, for the last few words asked (engine.word_scores).
    word_scores: dict = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.service_id)

    def offers(self, want: str, rows: np.ndarray) -> np.ndarray:
        """Whether each of `rows` offers the want (a "what matters" code at any level)."""
        offering = self.term_rows.get(want)
        if offering is None or not len(offering):
            return np.zeros(len(rows), dtype=bool)
        # The want's rows are ascending: a binary search per row, not a sort of them all as np.isin does.
        at = np.minimum(np.searchsorted(offering, rows), len(offering) - 1)
        return offering[at] == rows

    def area_index(self, code: str) -> int:
        # -2 matches no row: rows without an area hold -1.
        return self.area_positions.get(code, -2)


def broad_rows_of(term_rows: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    broad = {}
    for code, rows in term_rows.items():
        if "/" not in code:
            finer = [r for c, r in term_rows.items() if c.startswith(code + "/")]
            broad[code] = np.setdiff1d(rows, np.concatenate(finer), assume_unique=True) if finer else rows
    return broad


def rows_of_services(service_id: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows whose service is one of `ids`, and for each the position in `ids` of its service.

    The index's rows are ordered by service, so each id's rows are one run, found by binary search: the
    cost grows with the ids asked about (a word's few thousand listings), not with the index (England's
    400,000 rows)."""
    starts = np.searchsorted(service_id, ids, side="left")
    counts = np.searchsorted(service_id, ids, side="right") - starts
    at = np.repeat(np.arange(len(ids)), counts)
    # Within each run, 0, 1, 2...: the row's offset from its run's start.
    offset = np.arange(len(at)) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(starts, counts) + offset, at
