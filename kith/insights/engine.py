"""Run the gap method over the areas this Kith covers and roll it up to wards and local authorities."""

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from kith.core import disclosure
from kith.directory.search.index import current_token
from kith.insights import data, labels, layers
from kith.insights.gaps import (
    GAUSSIAN,
    Areas,
    Result,
    Standard,
    Weights,
    assess,
    coverage,
    place_assets,
)

CACHE_SECONDS = 300


@dataclass
class Report:
    areas: Areas
    ward_of: np.ndarray
    local_authority_of: np.ndarray
    names: dict[str, str]
    category_names: dict[str, str]
    standards: dict[str, Standard]
    weights: Weights
    results: dict[str, Result]
    cni_loaded: bool
    # Per want: what open data and the directory say about each ward (completeness, ADR 0025).
    completeness: dict[str, dict[str, Counter]] = field(default_factory=dict)
    series: dict[str, dict[str, Counter]] = field(default_factory=dict)  # want → series → ward → count
    demand_points: Counter = field(default_factory=Counter)  # how many LSOAs have each kind of demand point
    computed_at: float = field(default_factory=time.time)
    _coverage: dict = field(default_factory=dict)
    _meets: dict = field(default_factory=dict)
    _members: dict = field(default_factory=dict)
    _local: dict = field(default_factory=dict)

    def coverage(self, catchment_m: float):
        """Which LSOAs an asset at each LSOA's centre reaches, worked out once per catchment."""
        if catchment_m not in self._coverage:
            self._coverage[catchment_m] = coverage(self.areas, catchment_m)
        return self._coverage[catchment_m]

    def local_coverage(self, catchment_m: float, code: str) -> sparse.csr_matrix:
        """`coverage` among the LSOAs of one area alone: the same for every want with this catchment."""
        key = (catchment_m, code)
        if key not in self._local:
            idx = self.lsoas_in(code)
            self._local[key] = self.coverage(catchment_m)[idx][:, idx].tocsr()
        return self._local[key]

    def meets_for(self, want: str, top: str) -> np.ndarray | None:
        """Which LSOAs have enough of one want within reach, at the level it is named, by its top-level
        want's standard: walking is met by walking groups, not by chair yoga. None for an unknown want."""
        if want in self.results:
            return self.results[want].meets
        if top not in self.standards:
            return None
        if want not in self._meets:
            result = assess(
                self.areas, data.load_supply_of(want), self.standards[top], self.weights, place=False, sensitivity=False
            )
            self._meets[want] = result.meets
        return self._meets[want]

    def covered(self, want: str, local_authority: str | None) -> bool:
        """An open-data layer of the want covers the borough."""
        return any(layer.covers(local_authority) for layer in layers.layers_for(want))

    def lsoas_in(self, code: str) -> np.ndarray:
        """Indices of the LSOAs in an area (by the best-fit ward lookup for wards)."""
        if not self._members:
            members: dict[str, list[int]] = {}
            for n, codes in enumerate(zip(self.areas.codes, self.ward_of, self.local_authority_of, strict=True)):
                for c in codes:
                    members.setdefault(c, []).append(n)
            self._members.update({c: np.array(found, dtype=np.int64) for c, found in members.items()})
        return self._members.get(code, np.empty(0, dtype=np.int64))


@dataclass(frozen=True)
class Site:
    """A suggested site for a new asset: an LSOA's demand point, named by place."""

    lsoa: str
    ward_code: str
    ward: str
    residents: int  # residents of the neighbourhoods it would bring up to the standard
    lon: float
    lat: float


@dataclass
class Row:
    area_code: str
    area_name: str
    category: str
    category_name: str
    demand: float  # people: publish through disclosure control
    accessibility: float  # assets per 1,000 residents who can reach them (population-weighted)
    target: str
    shortfall: int  # new assets needed to bring every LSOA in the area up to the standard
    priority: float
    lsoas: int
    lsoas_below: int
    population: int
    population_below: int
    new_assets_in: list[str] = field(default_factory=list)  # wards where they would go
    placements: list[Site] = field(default_factory=list)
    below_under: dict = field(default_factory=dict)  # setting name → LSOAs below the standard under it
    label: str = labels.MEETS
    verdict: str = ""
    listings: int = 0
    checked: int = 0  # listings checked by a person in the last six months
    open_data: int = 0  # open-data sites of the kind
    covered: bool = False  # an open-data layer of the kind covers the area
    enquiries: int | None = None  # people: publish through disclosure control; None below ward level
    enquiries_nothing: int | None = None
    searches: int | None = None

    def published(self) -> dict:
        """The row as anyone may see it: people counts under disclosure control, assets exact."""

        def people(n):
            return "" if n is None else disclosure.count(int(n))

        return {
            "area_code": self.area_code,
            "area_name": self.area_name,
            "category": self.category,
            "label": self.label,
            "catchment_verdict": self.verdict,
            "demand": disclosure.count(int(self.demand)),
            "enquiries": people(self.enquiries),
            "enquiries_found_nothing": people(self.enquiries_nothing),
            "searches_found_nothing": people(self.searches),
            "accessibility": round(self.accessibility, 3),
            "target": self.target,
            "shortfall": self.shortfall,
            "priority": round(self.priority, 2),
            "lsoas": self.lsoas,
            "lsoas_below_standard": self.lsoas_below,
            **{f"lsoas_below_{key}": n for key, n in self.below_under.items()},
            "population": self.population,
            "population_below_standard": self.population_below,
            "listings": self.listings,
            "listings_checked_6_months": self.checked,
            "open_data_sites": self.open_data,
        }


def setting_key(setting) -> str:
    return "gaussian" if setting == GAUSSIAN else f"{setting:.0f}m"


_lock = threading.Lock()
_cache: dict[str, Report] = {}


def report(*, place: bool = False, progress=None) -> Report:
    """The gap method for every want over every LSOA; kept for a few minutes per directory state."""
    key = f"{current_token()}:{place}"
    with _lock:
        cached = _cache.get(key)
        if cached and time.time() - cached.computed_at < CACHE_SECONDS:
            return cached
    areas, lookups = data.load_areas()
    points = data.layer_points()
    supply = data.load_supply(points)
    names = data.want_names()
    wants = sorted(supply, key=lambda c: list(names).index(c) if c in names else 999)
    demand = data.load_demand(areas.codes, wants)
    standards = data.load_standards(wants)
    weights = data.load_weights()
    results = {}
    for n, want in enumerate(wants, start=1):
        results[want] = assess(areas, supply[want], standards[want], weights, demand[want], place=place)
        if progress:
            progress("categories", n, len(wants))
    built = Report(
        areas=areas,
        ward_of=lookups["ward"],
        local_authority_of=lookups["local_authority"],
        names=lookups["names"],
        category_names={want: names.get(want, want) for want in wants},
        standards=standards,
        weights=weights,
        results=results,
        cni_loaded=lookups["cni_loaded"],
        completeness=data.completeness(wants, points),
        series=data.ward_series(wants),
        demand_points=lookups["demand_points"],
    )
    with _lock:
        _cache.clear()
        _cache[key] = built
    return built


def forget() -> None:
    with _lock:
        _cache.clear()


def target_text(standard: Standard) -> str:
    text = f"{standard.minimum_within_reach} within {standard.catchment_m:,.0f} m"
    if standard.per_1000_residents:
        text += f" and {standard.per_1000_residents:g} per 1,000 residents in reach"
    return text


def area_row(rep: Report, code: str, category: str, *, name: str | None = None) -> Row:
    """One area (LSOA, ward or local authority) for one category."""
    result = rep.results[category]
    idx = rep.lsoas_in(code)
    population = rep.areas.population[idx]
    below = ~result.meets[idx]
    weight = population.sum() or 1.0
    catchment = rep.standards[category].catchment_m
    placements = (
        place_assets(
            rep.areas, result.shortfall, catchment, candidates=idx, local_reach=rep.local_coverage(catchment, code)
        )
        if result.shortfall[idx].any()
        else []
    )
    need = float((result.need[idx] * population).sum() / weight)
    sites = [
        Site(
            lsoa=rep.areas.codes[p.area_index],
            ward_code=str(rep.ward_of[p.area_index]),
            ward=rep.names.get(rep.ward_of[p.area_index], ""),
            residents=p.people_brought_up,
            lon=float(rep.areas.lonlat[p.area_index, 0]),
            lat=float(rep.areas.lonlat[p.area_index, 1]),
        )
        for p in placements
    ]
    wards = sorted({str(w) for w in rep.ward_of[idx] if w})
    is_lsoa = len(idx) == 1 and rep.areas.codes[idx[0]] == code
    counted = rep.completeness.get(category, {})

    def total(part: str) -> int:
        return sum(counted.get(part, Counter())[w] for w in wards)

    def series(part: str) -> int | None:
        return None if is_lsoa else sum(rep.series.get(category, {}).get(part, Counter())[w] for w in wards)

    covered = bool(len(idx)) and all(rep.covered(category, la) for la in set(rep.local_authority_of[idx]))
    is_below = bool(below.any())
    everywhere = bool(result.below_everywhere[idx].any()) if result.meets_under else is_below
    listings, checked = total("listings"), total("checked")
    return Row(
        area_code=code,
        area_name=name or rep.names.get(code, code),
        category=category,
        category_name=rep.category_names.get(category, category),
        demand=float(result.demand["people"][idx].sum()),
        accessibility=float((result.accessibility_per_1000[idx] * population).sum() / weight),
        target=target_text(rep.standards[category]),
        shortfall=len(placements),
        priority=len(placements) * (1 + need),
        lsoas=len(idx),
        lsoas_below=int(below.sum()),
        population=int(population.sum()),
        population_below=int(population[below].sum()),
        new_assets_in=sorted({s.ward for s in sites if s.ward}),
        placements=sites,
        below_under={setting_key(k): int((~m[idx]).sum()) for k, m in result.meets_under.items()},
        label=labels.label(is_below, everywhere, covered, listings, checked),
        verdict=labels.verdict(is_below, everywhere),
        listings=listings,
        checked=checked,
        open_data=total("open_data"),
        covered=covered,
        enquiries=series("enquiries"),
        enquiries_nothing=series("nothing"),
        searches=series("searches"),
    )


def child_areas(rep: Report, code: str | None) -> list[str]:
    """The areas one level down: wards of a local authority, LSOAs of a ward; an LSOA itself."""
    if code is None:
        return sorted(set(rep.ward_of), key=lambda c: rep.names.get(c, c))
    if code in set(rep.areas.codes):
        return [code]
    if code in set(rep.local_authority_of):
        return sorted(set(rep.ward_of[rep.local_authority_of == code]), key=lambda c: rep.names.get(c, c))
    if code in set(rep.ward_of):
        return sorted(rep.areas.codes[rep.ward_of == code].tolist())
    raise KeyError(code)


def rows(rep: Report, *, area: str | None = None, category: str | None = None) -> list[Row]:
    categories = [category] if category else list(rep.results)
    lsoa_names = {}
    if area and area in set(rep.ward_of):
        from kith.geo.models import Area

        lsoa_names = dict(Area.objects.filter(best_fit_ward_id=area).values_list("code", "name"))
    out = []
    for code in child_areas(rep, area):
        for cat in categories:
            out.append(area_row(rep, code, cat, name=lsoa_names.get(code)))
    return out
