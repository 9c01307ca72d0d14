"""Disclosure control for counts of people shown outside a person's care team.

- a count from 1 to 7 is shown as "*";
- any other count is rounded to the nearest 5 (halves up), so 0 stays 0 and 8 shows as 10;
- a total is rounded from the unrounded sum, never summed from rounded cells;
- a rate is shown only where its unrounded denominator is at least 8.

Counts of assets (places, groups) are facts about the world, not about people, and are exact.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

SUPPRESSED = "*"
SMALLEST_SHOWN = 8
ROUND_TO = 5


def count(value: int) -> int | str:
    """One published count of people."""
    value = int(value)
    if value < 0:
        raise ValueError("A count of people cannot be negative.")
    if 1 <= value < SMALLEST_SHOWN:
        return SUPPRESSED
    return ROUND_TO * ((value + ROUND_TO // 2) // ROUND_TO)


def total(values: Iterable[int]) -> int | str:
    """A published total: controlled from the true sum."""
    return count(sum(int(v) for v in values))


def rate(numerator: float, denominator: int, *, per: int = 1, digits: int = 1) -> float | str:
    """numerator / denominator × per, or "*" when the denominator is too small to publish."""
    if int(denominator) < SMALLEST_SHOWN:
        return SUPPRESSED
    return round(numerator / denominator * per, digits)


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[dict]
    totals: dict


def table(rows: Sequence[Mapping], people_columns: Sequence[str], *, label_column: str | None = None) -> Table:
    """Control every people column of a table, and add totals made from the unrounded sums."""
    controlled = [{k: (count(v) if k in people_columns else v) for k, v in row.items()} for row in rows]
    totals = {c: total(row[c] for row in rows) for c in people_columns}
    if label_column:
        totals[label_column] = "Total"
    return Table(columns=list(rows[0].keys()) if rows else list(people_columns), rows=controlled, totals=totals)
