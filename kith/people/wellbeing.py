"""Wellbeing measures: ONS4 classification and SWEMWBS scoring, from the published tables.

Plain functions over plain data. Out-of-range or missing answers raise WellbeingError with a
message for the person entering them; SWEMWBS is never prorated.
"""

import csv
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
ONS4_ITEMS = ("life_satisfaction", "worthwhile", "happiness", "anxiety")
SWEMWBS_ITEMS = tuple(f"swemwbs_{i}" for i in range(1, 8))
SWEMWBS_OPTIONS = {1: "None of the time", 2: "Rarely", 3: "Some of the time", 4: "Often", 5: "All of the time"}
SWEMWBS_NOTICE = (
    "Short Warwick Edinburgh Mental Wellbeing Scale (SWEMWBS) © NHS Health Scotland, University of Warwick "
    "and University of Edinburgh, 2008, all rights reserved."
)


def swemwbs_statements() -> list[str] | None:
    """The seven statements, from the file a deployer who has registered to use SWEMWBS supplies
    (`KITH_SWEMWBS_STATEMENTS_FILE`, one statement a line); None when there is no such file. Kith ships
    none: the wording belongs to its owners."""
    from django.conf import settings

    path = settings.KITH_SWEMWBS_STATEMENTS_FILE
    if not path:
        return None
    lines = [line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    if len(lines) != len(SWEMWBS_ITEMS):
        raise WellbeingError(f"{path} must hold the {len(SWEMWBS_ITEMS)} SWEMWBS statements, one a line.")
    return lines


class WellbeingError(ValueError):
    """Answers that cannot be scored; str(error) says which and why."""


@cache
def ons4_spec() -> dict:
    return json.loads((DATA / "ons4_personal_wellbeing.json").read_text(encoding="utf-8"))


@cache
def swemwbs_table() -> dict[int, Decimal]:
    with (DATA / "swemwbs_raw_to_metric.csv").open(encoding="utf-8") as handle:
        return {int(row["raw_score"]): Decimal(row["metric_score"]) for row in csv.DictReader(handle)}


def _whole(value, name: str, low: int, high: int) -> int:
    """A whole number in range, from an int or from the text a form sends."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise WellbeingError(f"Answer “{name}”.")
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit() and value.strip().isascii():
        number = int(value.strip())
    else:
        raise WellbeingError(f"“{name}” must be a whole number from {low} to {high}.")
    if not low <= number <= high:
        raise WellbeingError(f"“{name}” must be from {low} to {high}; {number} is outside that.")
    return number


@dataclass(frozen=True)
class Ons4Result:
    scores: dict[str, int]
    bands: dict[str, str]  # e.g. {"life_satisfaction": "high", "anxiety": "very low"}


def ons4_band(item: str, score: int) -> str:
    thresholds = ons4_spec()["thresholds"]
    key = "anxiety" if item == "anxiety" else "life_satisfaction|worthwhile|happiness"
    for band in thresholds[key]:
        if band["min"] <= score <= band["max"]:
            return band["label"]
    raise WellbeingError(f"{score} is outside the ONS scale.")


def score_ons4(answers: dict) -> Ons4Result:
    """Four answers 0–10, reported separately (ONS defines no total)."""
    unknown = set(answers) - set(ONS4_ITEMS)
    if unknown:
        raise WellbeingError(f"Unknown ONS4 questions: {', '.join(sorted(unknown))}.")
    scores = {item: _whole(answers.get(item), item.replace("_", " "), 0, 10) for item in ONS4_ITEMS}
    return Ons4Result(scores=scores, bands={item: ons4_band(item, s) for item, s in scores.items()})


@dataclass(frozen=True)
class SwemwbsResult:
    items: dict[str, int]
    raw: int
    metric: Decimal


def score_swemwbs(answers: dict) -> SwemwbsResult:
    """Seven answers 1–5; the raw sum 7–35 becomes the metric score by the published table."""
    unknown = set(answers) - set(SWEMWBS_ITEMS)
    if unknown:
        raise WellbeingError(f"Unknown SWEMWBS items: {', '.join(sorted(unknown))}.")
    missing = [item for item in SWEMWBS_ITEMS if answers.get(item) in (None, "")]
    if missing:
        raise WellbeingError(
            f"SWEMWBS needs all seven answers ({len(missing)} missing); it is never scored from fewer."
        )
    items = {item: _whole(answers[item], f"statement {item[-1]}", 1, 5) for item in SWEMWBS_ITEMS}
    raw = sum(items.values())
    return SwemwbsResult(items=items, raw=raw, metric=swemwbs_table()[raw])
