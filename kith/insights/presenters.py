"""Gap results as published: disclosure-controlled tables, map features, downloads and narrative."""

import io
import json
import re

import numpy as np

from kith.core import disclosure
from kith.core.spreadsheet import csv_text, xlsx_sheet_rows
from kith.geo import demand_points
from kith.geo.coverage import joined
from kith.insights import labels, layers
from kith.insights.engine import Report, Row, target_text
from kith.insights.gaps import CATCHMENTS_M, GAUSSIAN_REACH

MEASURES = {
    "label": ("Gap, likely gap or missing data", "What a shortfall means, by the completeness rule"),
    "shortfall": ("New assets needed", "How many more would bring every neighbourhood up to the standard"),
    "priority": ("Priority", "Shortfall raised by deprivation, loneliness and community need"),
    "accessibility": ("Accessibility per 1,000 residents", "Assets within reach per 1,000 residents (2SFCA)"),
    "demand": ("People who want it", "People with an open want (rounded; small numbers hidden)"),
    "enquiries": ("Professionals' enquiries", "Enquiries to link workers over the last year (rounded)"),
    "searches": ("Searches that found nothing", "Public directory searches that found nothing, last year (rounded)"),
    "signals": (
        "All three demand series",
        "People with a want, enquiries and searches that found nothing, added: signals, not people",
    ),
    "below": ("Residents below the standard", "Residents of neighbourhoods with too little within reach"),
}
# The label layer: one colour per meaning, darkest where the shortfall is most certain.
LABEL_COLOURS = {
    labels.GAP: "#d5281b",
    labels.LIKELY_GAP: "#ed8b00",
    labels.MISSING_DATA: "#aeb7bd",
    labels.MEETS: "#ffffff",
}
LABEL_SWATCHES = {  # classes in kith.scss: the pages' style policy allows no inline style
    labels.GAP: "kith-swatch-gap",
    labels.LIKELY_GAP: "kith-swatch-likely-gap",
    labels.MISSING_DATA: "kith-swatch-missing-data",
    labels.MEETS: "kith-swatch-meets",
}
LABEL_WORDS = {
    labels.GAP: "Gap: below the standard under every catchment, and open data covers the area",
    labels.LIKELY_GAP: "Likely gap: below the standard, but not under every catchment",
    labels.MISSING_DATA: "May be missing data: no open data of this kind here, or listings not checked",
    labels.MEETS: "Meets the standard",
}
# ColorBrewer sequential (5 classes): light to dark; the legend names each class's range.
PALETTE = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
REVERSED = {"accessibility"}  # low accessibility is the concern, so it gets the dark colour
CSV_COLUMNS = [
    "area_code",
    "area_name",
    "category",
    "label",
    "catchment_verdict",
    "demand",
    "enquiries",
    "enquiries_found_nothing",
    "searches_found_nothing",
    "accessibility",
    "target",
    "shortfall",
    "priority",
    "lsoas",
    "lsoas_below_standard",
    "lsoas_below_800m",
    "lsoas_below_1600m",
    "lsoas_below_2400m",
    "lsoas_below_gaussian",
    "population",
    "population_below_standard",
    "listings",
    "listings_checked_6_months",
    "open_data_sites",
]


PEOPLE_MEASURES = {"demand", "enquiries", "searches", "signals"}


def _shown(people: float) -> float:
    """A count of people as published, as a number to sort and colour by: "*" (1 to 7) sorts as 1, so the
    order and the colours never tell apart what the numbers hide."""
    shown = disclosure.count(int(people))
    return 1.0 if shown == disclosure.SUPPRESSED else float(shown)


def measure_value(row: Row, measure: str) -> float:
    """The value a row is sorted and coloured by; counts of people as published, never raw."""
    series = (row.enquiries or 0, row.searches or 0)
    if measure in PEOPLE_MEASURES:
        return {
            "demand": _shown(row.demand),
            "enquiries": _shown(series[0]),
            "searches": _shown(series[1]),
            "signals": _shown(row.demand) + _shown(series[0]) + _shown(series[1]),
        }[measure]
    return {
        "label": len(labels.ORDER) - 1 - labels.ORDER.index(row.label),
        "shortfall": row.shortfall,
        "priority": row.priority,
        "accessibility": row.accessibility,
        "demand": row.demand,
        "enquiries": series[0],
        "searches": series[1],
        "signals": row.demand + sum(series),
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
    if measure in PEOPLE_MEASURES:
        shown = disclosure.count(round(value))
        return str(shown)
    return f"{value:,.2f}" if measure in {"accessibility", "priority"} else f"{value:,.0f}"


def legend_and_colours(rows: list[Row], measure: str) -> tuple[list[dict], list[tuple[str, str]]]:
    """The legend in words and, per row, (colour, what the row's value says)."""
    if measure == "label":
        present = [name for name in labels.ORDER if any(r.label == name for r in rows)]
        legend = [
            {"colour": LABEL_COLOURS[name], "swatch": LABEL_SWATCHES[name], "label": LABEL_WORDS[name]}
            for name in present
        ]
        return legend, [(LABEL_COLOURS[r.label], r.label) for r in rows]
    values = np.array([measure_value(r, measure) for r in rows], dtype=float)
    klass, ranges = classes(values, measure)
    label, _ = MEASURES[measure]
    legend = [
        {"colour": PALETTE[i], "swatch": f"kith-swatch-{i}", "label": f"{label}: {text}"}
        for i, text in enumerate(ranges)
    ]
    return legend, [
        (PALETTE[min(int(k), len(PALETTE) - 1)], _fmt(measure_value(r, measure), measure))
        for r, k in zip(rows, klass, strict=True)
    ]


def site_features(sites: list[dict]) -> list[dict]:
    """Suggested sites as GeoJSON points, with the same names as the funding case's table."""
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(s["site"].lon, 6), round(s["site"].lat, 6)]},
            "properties": {"kind": "suggested site", **dict(zip(SITE_COLUMNS, row, strict=True))},
        }
        for s, row in zip(sites, site_rows(sites), strict=True)
    ]


def feature_collection(rows: list[Row], geometries: dict[str, str], measure: str) -> dict:
    legend, shown = legend_and_colours(rows, measure)
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(geometries[row.area_code]),
            "properties": {**row.published(), "colour": colour, "value": value},
        }
        for row, (colour, value) in zip(rows, shown, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features, "legend": legend}


def to_csv(rows: list[Row]) -> str:
    return csv_text(CSV_COLUMNS, ([row.published().get(c, "") for c in CSV_COLUMNS] for row in rows))


SITE_COLUMNS = ["order", "ward", "postcode", "postcode_district", "nearest_listed_place", "metres_to_it", "residents"]


def site_rows(sites: list[dict]) -> list[list]:
    """Suggested sites as published: named by place, never by a code alone (`sites` as the funding case has them)."""
    return [
        [n, s["site"].ward, s["postcode"], s["district"], s["venue"], s["venue_m"], s["site"].residents]
        for n, s in enumerate(sites, start=1)
    ]


def to_xlsx(rows: list[Row], *, sheet: str, notes: list[str], sites: list[dict] | None = None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    data = book.active
    data.title = re.sub(r"[\[\]:*?/\\]", "-", sheet)[:31]  # characters a sheet's name may not hold
    xlsx_sheet_rows(data, [CSV_COLUMNS, *([row.published().get(c, "") for c in CSV_COLUMNS] for row in rows)])
    if sites:
        xlsx_sheet_rows(book.create_sheet("Suggested sites"), [SITE_COLUMNS, *site_rows(sites)])
    xlsx_sheet_rows(book.create_sheet("About"), ([line] for line in notes))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _listed(names: list[str]) -> str:
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def narrative(report: Report, la: Row, wards: list[Row], category_name: str) -> list[str]:
    """The funding case in words, written from the same numbers as its tables."""
    standard = la.target
    kind = category_name.lower()
    text = []
    if la.shortfall == 0:
        text.append(f"Every neighbourhood in {la.area_name} already meets the adequate level for {kind} ({standard}).")
    else:
        text.append(
            f"To bring all {len(wards)} {la.area_name} wards up to the adequate level for {kind} ({standard}), "
            f"{la.shortfall} more {'is' if la.shortfall == 1 else 'are'} needed"
            + (f", in {_listed(la.new_assets_in)}." if la.new_assets_in else ".")
        )
        alone = sum(w.shortfall for w in wards)
        if alone != la.shortfall:
            text.append(
                f"Planned ward by ward, {alone} would be needed: one new place near a ward boundary can serve "
                "neighbourhoods of two wards, so a plan for the whole borough needs fewer."
            )
        share = round(100 * la.population_below / la.population) if la.population else 0
        text.append(
            f"Today {la.population_below:,} residents ({share}% of {la.area_name}) live in "
            f"{la.lsoas_below} neighbourhoods (LSOAs) with nothing of this kind within reach."
        )
        counts = {name: sum(w.label == name for w in wards) for name in labels.ORDER}
        phrases = {labels.GAP: "a gap", labels.LIKELY_GAP: "a likely gap", labels.MISSING_DATA: "data may be missing"}
        said = [f"{phrase} in {counts[name]}" for name, phrase in phrases.items() if counts[name]]
        if said:
            text.append(f"How sure, of the {len(wards)} wards: {_listed(said)} (the rule is in the method).")
    demand = disclosure.count(int(la.demand))
    if demand == disclosure.SUPPRESSED:
        text.append("Fewer than 8 people have told a link worker they want this so far.")
    elif demand:
        text.append(f"About {demand:,} people in {la.area_name} have told a link worker they want this.")
    return text


SOURCES = (
    "ONS LSOA 2021 and ward boundaries as loaded (May 2023 shipped, May 2025 from a national bundle) and the LSOA → "
    "ward lookup (OGL v3.0)",
    "ONS National Statistics Postcode Lookup, May 2025 (OGL v3.0; contains Royal Mail and OS data)",
    "Census 2021 usual residents, ONS (OGL v3.0)",
    "English Indices of Deprivation 2025, MHCLG (OGL v3.0)",
    "Community Life Survey 2020-21 modelled loneliness, DCMS (OGL v3.0)",
)


def method_notes(report: Report, category: str) -> list[str]:
    """Every choice the figures rest on, and every source with its date and licence."""
    weights = report.weights
    points = report.demand_points
    total = sum(points.values())
    how = "; ".join(
        # Blank until `kith load-geography` runs after the upgrade that added demand points: centroids stand in.
        f"{points[k]:,} of {total:,} LSOAs at {demand_points.DESCRIBED.get(k, demand_points.DESCRIBED['centroid'])}"
        for k in points
        if points[k]
    )
    # A layer covering none of the loaded authorities says nothing about them.
    feeding = [layer for layer in layers.layers_for(category) if any(b in report.names for b in layer.boroughs)]
    standard = target_text(report.standards[category])
    catchments = ", ".join(f"{c:,.0f}" for c in CATCHMENTS_M)
    notes = [
        "Method: two-step floating catchment (2SFCA) from where each LSOA's residents are taken to live to every "
        f"site of this kind, by great-circle distance; adequacy standard: {standard} of every LSOA. New places "
        "are suggested greedily, each where it brings the most residents up to the standard, for the whole borough.",
        f"Where people live: {how}. The postcode files carry no residential flag, so a postcode of offices counts "
        "as much as one of homes; ONS population-weighted centroids replace them when a deployer supplies them.",
    ]
    if feeding:
        notes.append(
            "Supply: the directory's active listings with a place, and open data: "
            + "; ".join(
                f"{layer.title} ({layer.publisher}, {layer.dated}, {layer.licence}; covers "
                + joined([report.names.get(b, b) for b in layer.boroughs])
                + ")"
                for layer in feeding
            )
            + ". Points of one kind within 100 m of each other are one site (a park's gates are one park, and the "
            "gates are the points people walk to); a listing within 100 m of an open-data point is that site."
        )
    else:
        notes.append(
            "Supply: the directory's active listings with a place. No open-data layer of this kind is loaded, so a "
            "shortfall may be a gap in the directory rather than on the ground."
        )
    notes += [
        "How sure: " + labels.RULE + " Listings checked means checked by a person in the last six months.",
        f"Uncertainty: the standard is also tried at catchments of {catchments} m and with Gaussian decay (a site "
        f"weighs one half at the standard's catchment and counts up to {GAUSSIAN_REACH:g} times as far). A ward is "
        "“below under every setting” when one of its neighbourhoods is below under all of them; otherwise its "
        "shortfall “depends on the catchment”.",
        "Demand, three series never added together: people with an open want (distinct people, leaving out anyone "
        "who objected to being counted), professionals' enquiries to link workers, and public searches that found "
        "nothing (once per day from one place; robots not counted), each over the last year. Counts of people "
        "from 1 to 7 are shown as *, others rounded to the nearest 5; totals are rounded from true sums. Counts of "
        "assets are exact.",
        f"Priority weights: deprivation {weights.deprivation:g}, loneliness {weights.loneliness:g}, community need "
        f"{weights.community_need:g}"
        + (
            " (Community Needs Index 2023, OCSI for Local Trust, no stated licence, loaded for this analysis)."
            if report.cni_loaded
            else " (the Community Needs Index is not loaded, so it adds nothing)."
        ),
        "Sources: Kith directory (listings as checked, see each listing's date); " + "; ".join(SOURCES) + ".",
    ]
    return notes
