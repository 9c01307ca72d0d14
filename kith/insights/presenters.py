"""Gap results as published: disclosure-controlled tables, map features, downloads and narrative."""

import io
import json

import numpy as np

from kith.core import disclosure
from kith.core.spreadsheet import csv_text, xlsx_sheet_rows
from kith.insights.engine import Report, Row

MEASURES = {
    "shortfall": ("New assets needed", "How many more would bring every neighbourhood up to the standard"),
    "priority": ("Priority", "Shortfall raised by deprivation, loneliness and community need"),
    "accessibility": ("Accessibility per 1,000 residents", "Assets within reach per 1,000 residents (2SFCA)"),
    "demand": ("People who want it", "People with an open want (rounded; small numbers hidden)"),
    "below": ("Residents below the standard", "Residents of neighbourhoods with too little within reach"),
}
# ColorBrewer sequential (5 classes): light to dark; the legend names each class's range.
PALETTE = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
REVERSED = {"accessibility"}  # low accessibility is the concern, so it gets the dark colour
CSV_COLUMNS = [
    "area_code",
    "area_name",
    "category",
    "demand",
    "accessibility",
    "target",
    "shortfall",
    "priority",
    "lsoas",
    "lsoas_below_standard",
    "population",
    "population_below_standard",
]


def measure_value(row: Row, measure: str) -> float:
    return {
        "shortfall": row.shortfall,
        "priority": row.priority,
        "accessibility": row.accessibility,
        "demand": row.demand,
        "below": row.population_below,
    }[measure]


def classes(values: np.ndarray, measure: str) -> tuple[np.ndarray, list[str]]:
    """Class (0–4) of each value by quintile breaks, and a legend line per class."""
    if len(values) == 0:
        return np.zeros(0, dtype=int), []
    breaks = np.unique(np.quantile(values, [0.2, 0.4, 0.6, 0.8]))
    klass = np.searchsorted(breaks, values, side="right")
    edges = [float(values.min()), *breaks.tolist(), float(values.max())]
    legend = []
    for k in range(len(edges) - 1):
        low, high = edges[k], edges[k + 1]
        legend.append(f"{_fmt(low, measure)} to {_fmt(high, measure)}")
    if measure in REVERSED:
        klass = (len(edges) - 2) - klass
        legend = list(reversed(legend))
    return klass, legend


def _fmt(value: float, measure: str) -> str:
    if measure == "demand":
        shown = disclosure.count(round(value))
        return str(shown)
    return f"{value:,.2f}" if measure in {"accessibility", "priority"} else f"{value:,.0f}"


def feature_collection(rows: list[Row], geometries: dict[str, str], measure: str) -> dict:
    values = np.array([measure_value(r, measure) for r in rows], dtype=float)
    klass, legend = classes(values, measure)
    features = []
    for row, k in zip(rows, klass, strict=True):
        published = row.published()
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(geometries[row.area_code]),
                "properties": {
                    **published,
                    "class": int(k),
                    "colour": PALETTE[min(int(k), len(PALETTE) - 1)],
                    "value": _fmt(measure_value(row, measure), measure),
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "legend": [{"colour": PALETTE[i], "label": text} for i, text in enumerate(legend)],
    }


def to_csv(rows: list[Row]) -> str:
    return csv_text(CSV_COLUMNS, ([row.published()[c] for c in CSV_COLUMNS] for row in rows))


def to_xlsx(rows: list[Row], *, sheet: str, notes: list[str]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    data = book.active
    data.title = sheet[:31]
    xlsx_sheet_rows(data, [CSV_COLUMNS, *([row.published()[c] for c in CSV_COLUMNS] for row in rows)])
    xlsx_sheet_rows(book.create_sheet("About"), ([line] for line in notes))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def narrative(report: Report, la: Row, wards: list[Row], category_name: str) -> list[str]:
    """The funding case in words, written from the numbers."""
    standard = la.target
    text = []
    if la.shortfall == 0:
        text.append(
            f"Every neighbourhood in {la.area_name} already meets the adequate level for "
            f"{category_name.lower()} ({standard})."
        )
    else:
        places = (
            la.new_assets_in[0]
            if len(la.new_assets_in) == 1
            else (", ".join(la.new_assets_in[:-1]) + " and " + la.new_assets_in[-1])
        )
        text.append(
            f"To bring all {len(wards)} {la.area_name} wards up to the adequate level for "
            f"{category_name.lower()} ({standard}), {la.shortfall} more "
            f"{'is' if la.shortfall == 1 else 'are'} needed, in {places}."
        )
        share = round(100 * la.population_below / la.population) if la.population else 0
        text.append(
            f"Today {la.population_below:,} residents ({share}% of {la.area_name}) live in "
            f"{la.lsoas_below} neighbourhoods (LSOAs) with nothing of this kind within reach."
        )
    demand = disclosure.count(int(la.demand))
    if demand == disclosure.SUPPRESSED:
        text.append("Fewer than 8 people have told a link worker they want this so far.")
    elif demand:
        text.append(f"About {demand:,} people in {la.area_name} have told a link worker they want this.")
    return text
