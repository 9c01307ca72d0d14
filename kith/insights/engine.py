"""Run the gap method over Greater Manchester and roll it up to wards and local authorities."""

import threading
import time
from dataclasses import dataclass, field

import numpy as np

from kith.core import disclosure
from kith.directory.search.index import current_token
from kith.insights import data
from kith.insights.access import reachable_supply
from kith.insights.gaps import Areas, Result, Standard, Weights, assess, coverage, place_assets, target_of

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
    computed_at: float = field(default_factory=time.time)
    _coverage: dict = field(default_factory=dict)
    _meets: dict = field(default_factory=dict)

    def coverage(self, catchment_m: float):
        """Which LSOAs an asset at each LSOA's centre reaches, worked out once per catchment."""
        if catchment_m not in self._coverage:
            self._coverage[catchment_m] = coverage(self.areas, catchment_m)
        return self._coverage[catchment_m]

    def meets_for(self, want: str, top: str) -> np.ndarray | None:
        """Which LSOAs have enough of one want within reach, at the level it is named, by its top-level
        want's standard: walking is met by walking groups, not by chair yoga. None for an unknown want."""
        if want == top:
            result = self.results.get(top)
            return None if result is None else result.meets
        if top not in self.standards:
            return None
        if want not in self._meets:
            supply = data.load_supply_of(want)
            reachable = reachable_supply(
                self.areas.lonlat, supply.lonlat, supply.capacity, self.standards[top].catchment_m
            )
            self._meets[want] = reachable >= target_of(self.areas, self.standards[top]) - 1e-9
        return self._meets[want]

    def lsoas_in(self, code: str) -> np.ndarray:
        """Indices of the LSOAs in an area (by the best-fit ward lookup for wards)."""
        if code in set(self.areas.codes):
            return np.flatnonzero(self.areas.codes == code)
        return np.flatnonzero((self.ward_of == code) | (self.local_authority_of == code))


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
    placements: list[tuple[str, str, int]] = field(default_factory=list)  # (ward, LSOA, residents brought up)

    def published(self) -> dict:
        """The row as anyone may see it: people counts under disclosure control, assets exact."""
        return {
            "area_code": self.area_code,
            "area_name": self.area_name,
            "category": self.category,
            "demand": disclosure.count(int(self.demand)),
            "accessibility": round(self.accessibility, 3),
            "target": self.target,
            "shortfall": self.shortfall,
            "priority": round(self.priority, 2),
            "lsoas": self.lsoas,
            "lsoas_below_standard": self.lsoas_below,
            "population": self.population,
            "population_below_standard": self.population_below,
        }


_lock = threading.Lock()
_cache: dict[str, Report] = {}


def report(*, place: bool = False, progress=None) -> Report:
    """The gap method for every category over every LSOA; kept for a few minutes per directory state."""
    key = f"{current_token()}:{place}"
    with _lock:
        cached = _cache.get(key)
        if cached and time.time() - cached.computed_at < CACHE_SECONDS:
            return cached
    areas, lookups = data.load_areas()
    supply = data.load_supply()
    demand = data.load_demand(areas.codes)
    standards = data.load_standards(supply)
    weights = data.load_weights()
    from kith.directory.models import TaxonomyTerm

    category_names = dict(TaxonomyTerm.objects.what_matters().values_list("code", "name"))
    results = {}
    for n, category in enumerate(
        sorted(supply, key=lambda c: list(category_names).index(c) if c in category_names else 99), start=1
    ):
        results[category] = assess(
            areas,
            supply[category],
            standards[category],
            weights,
            demand.get(category, {"people": np.zeros(len(areas))}),
            place=place,
        )
        if progress:
            progress("categories", n, len(supply))
    built = Report(
        areas=areas,
        ward_of=lookups["ward"],
        local_authority_of=lookups["local_authority"],
        names=lookups["names"],
        category_names=category_names,
        standards=standards,
        weights=weights,
        results=results,
        cni_loaded=lookups["cni_loaded"],
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
    placements = place_assets(rep.areas, result.shortfall, catchment, candidates=idx, reach=rep.coverage(catchment))
    need = float((result.need[idx] * population).sum() / weight)
    wards = [rep.names.get(rep.ward_of[p.area_index], "") for p in placements]
    sites = [(w, rep.areas.codes[p.area_index], p.people_brought_up) for w, p in zip(wards, placements, strict=True)]
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
        new_assets_in=sorted(set(w for w in wards if w)),
        placements=sites,
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
