"""The gap method: accessibility, the adequacy standard, shortfall, placement and priority.

Plain arrays in, plain arrays out; no database. See docs/adr/0011-the-gap-method.md.
"""

import functools
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from kith.insights.access import fca2_from_pairs, pairs_within


@dataclass(frozen=True)
class Standard:
    """What "adequate" means for one category."""

    catchment_m: float = 1600.0
    minimum_within_reach: int = 1  # assets within the catchment of every LSOA
    per_1000_residents: float | None = None  # and, where set, this much capacity per 1,000 residents in reach


@dataclass(frozen=True)
class Weights:
    """How much each kind of need raises priority; always shown beside the result."""

    deprivation: float = 1.0
    loneliness: float = 1.0
    community_need: float = 1.0


@dataclass
class Areas:
    """The LSOAs (or other small areas) the method runs over, in a fixed order."""

    codes: np.ndarray
    lonlat: np.ndarray  # (n, 2)
    population: np.ndarray
    imd_decile: np.ndarray  # 1 = most deprived tenth
    loneliness_pct: np.ndarray
    cni_rank: np.ndarray  # 1 = highest need; NaN where not loaded

    def __len__(self) -> int:
        return len(self.codes)


@dataclass
class Supply:
    """Points people walk to, grouped into sites: a park's gates are one site, a listing is its own."""

    lonlat: np.ndarray  # (m, 2): the points people walk to
    capacity: np.ndarray  # (sites,), 1 where not known
    site: np.ndarray | None = None  # (m,): the site each point belongs to; None = every point its own site

    def __post_init__(self):
        if self.site is None:
            self.site = np.arange(len(self.lonlat), dtype=np.int64)


# Sensitivity: the standard is also tried at these catchments and with Gaussian decay (ADR 0025).
CATCHMENTS_M = (800.0, 1600.0, 2400.0)
GAUSSIAN = "gaussian"
# Gaussian decay weighs a site 1 at the door and one half at the standard's catchment; sites up to one and
# a half times the catchment count (weight 0.21 there). An area meets the standard when its weighted sites
# reach one half of what the standard asks: one site at the catchment meets it, as under the plain standard.
GAUSSIAN_HALF_AT_CATCHMENT = 0.5
GAUSSIAN_REACH = 1.5


def setting_name(setting: float | str) -> str:
    return "Gaussian decay" if setting == GAUSSIAN else f"{setting:,.0f} m"


@dataclass
class Result:
    """One category over all areas; every array is aligned with Areas."""

    accessibility_per_1000: np.ndarray  # 2SFCA: capacity per 1,000 residents who can reach it
    reachable: np.ndarray  # capacity within the catchment
    target: np.ndarray  # capacity within the catchment that the standard asks for
    shortfall: np.ndarray  # target − reachable, at least 0
    meets: np.ndarray  # bool
    need: np.ndarray  # 0..1 blend of deprivation, loneliness and community need
    priority: np.ndarray  # shortfall × (1 + need-weighted uplift)
    demand: dict[str, np.ndarray] = field(default_factory=dict)  # series name → people per area
    placements: list["Placement"] = field(default_factory=list)
    meets_under: dict[float | str, np.ndarray] = field(default_factory=dict)  # setting → meets (bool per area)

    @functools.cached_property
    def below_everywhere(self) -> np.ndarray:
        """Below the standard under its own catchment and under every sensitivity setting."""
        below = ~self.meets
        for meets in self.meets_under.values():
            below = below & ~meets
        return below


@dataclass(frozen=True)
class Placement:
    area_index: int  # the area whose centre is the suggested site
    brings_up: int  # areas this asset brings up to the standard
    people_brought_up: int  # residents of those areas


def need_scores(areas: Areas) -> dict[str, np.ndarray]:
    """Each kind of need scaled to 0..1 (1 = most need)."""
    deprivation = (10 - np.clip(areas.imd_decile, 1, 10)) / 9.0
    lonely = areas.loneliness_pct
    span = np.nanmax(lonely) - np.nanmin(lonely) if len(lonely) else 0
    loneliness = (lonely - np.nanmin(lonely)) / span if span > 0 else np.zeros(len(areas))
    ranks = areas.cni_rank
    if np.all(np.isnan(ranks)):
        community = np.zeros(len(areas))
    else:
        worst, best = np.nanmin(ranks), np.nanmax(ranks)
        community = np.where(np.isnan(ranks), 0.0, (best - ranks) / (best - worst) if best > worst else 0.0)
    return {"deprivation": deprivation, "loneliness": np.nan_to_num(loneliness), "community_need": community}


def weighted_need(areas: Areas, weights: Weights) -> np.ndarray:
    scores = need_scores(areas)
    total = weights.deprivation + weights.loneliness + weights.community_need
    if total <= 0:
        return np.zeros(len(areas))
    blended = (
        weights.deprivation * scores["deprivation"]
        + weights.loneliness * scores["loneliness"]
        + weights.community_need * scores["community_need"]
    )
    return blended / total


def target_of(areas: Areas, standard: Standard) -> np.ndarray:
    """How much each area should have within reach under the standard."""
    target = np.full(len(areas), float(standard.minimum_within_reach))
    if standard.per_1000_residents:
        target = np.maximum(target, standard.per_1000_residents * areas.population.astype(float) / 1000)
    return target


def site_pairs(i: np.ndarray, j: np.ndarray, distance: np.ndarray, site: np.ndarray):
    """(area, site, distance to its nearest point) from (area, point, distance) pairs."""
    s = site[j]
    if len(i) == 0 or len(np.unique(site)) == len(site):  # no pairs, or every point a site of its own
        return i, s, distance
    sites = int(site.max()) + 1
    key = i * sites + s
    order = np.argsort(key)
    key = key[order]
    start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    nearest = np.minimum.reduceat(distance[order], start) if len(start) else distance[:0]
    return key[start] // sites, key[start] % sites, nearest


def gaussian_sigma(catchment_m: float) -> float:
    """The width at which the Gaussian weight is one half at the catchment."""
    return catchment_m / np.sqrt(2 * np.log(1 / GAUSSIAN_HALF_AT_CATCHMENT))


def assess(
    areas: Areas,
    supply: Supply,
    standard: Standard,
    weights: Weights,
    demand: dict[str, np.ndarray] | None = None,
    *,
    place: bool = True,
    sensitivity: bool = True,
) -> Result:
    """Accessibility, shortfall against the standard, priority and (optionally) where to add assets.

    Pairs of area and point are found once, at the longest distance any setting needs, and each
    setting takes the pairs it needs from them.
    """
    n = len(areas)
    population = areas.population.astype(float)
    capacity = np.asarray(supply.capacity, dtype=float)
    catchment = float(standard.catchment_m)
    longest = max(catchment, *CATCHMENTS_M, GAUSSIAN_REACH * catchment) if sensitivity else catchment
    i, s, distance = site_pairs(*pairs_within(areas.lonlat, supply.lonlat, longest), supply.site)
    within = distance <= catchment
    access = fca2_from_pairs(i[within], s[within], distance[within], population, capacity) * 1000
    target = target_of(areas, standard)

    def meets_within(limit: float) -> np.ndarray:
        near = distance <= limit
        return np.bincount(i[near], weights=capacity[s[near]], minlength=n) >= target - 1e-9

    reachable = np.bincount(i[within], weights=capacity[s[within]], minlength=n)
    shortfall = np.maximum(target - reachable, 0.0)
    # Floating point: a shortfall of 1e-12 is no shortfall.
    shortfall[shortfall < 1e-9] = 0.0
    need = weighted_need(areas, weights)
    result = Result(
        accessibility_per_1000=access,
        reachable=reachable,
        target=target,
        shortfall=shortfall,
        meets=shortfall == 0,
        need=need,
        priority=shortfall * (1 + need),
        demand=dict(demand or {}),
    )
    if sensitivity:
        result.meets_under = {c: meets_within(c) for c in CATCHMENTS_M}
        reached = distance <= GAUSSIAN_REACH * catchment  # pairs were found as far as the longest setting
        weight = np.exp(-(distance[reached] ** 2) / (2 * gaussian_sigma(catchment) ** 2))
        decayed = np.bincount(i[reached], weights=capacity[s[reached]] * weight, minlength=n)
        result.meets_under[GAUSSIAN] = decayed >= GAUSSIAN_HALF_AT_CATCHMENT * target - 1e-9
    if place:
        result.placements = place_assets(areas, shortfall, standard.catchment_m)
    return result


def coverage(areas: Areas, catchment_m: float) -> sparse.csr_matrix:
    """Which areas an asset at each area's centre would reach: an (n, n) 0/1 matrix, rows = sites."""
    i, j, _ = pairs_within(areas.lonlat, areas.lonlat, catchment_m)
    n = len(areas)
    return sparse.csr_matrix((np.ones(len(i)), (j, i)), shape=(n, n))


def place_assets(
    areas: Areas,
    shortfall: np.ndarray,
    catchment_m: float,
    *,
    limit: int | None = None,
    candidates: np.ndarray | None = None,
    reach: sparse.csr_matrix | None = None,
    local_reach: sparse.csr_matrix | None = None,
) -> list[Placement]:
    """Greedy placement: each new asset goes where it brings most residents up to the standard.

    A new asset at an area's centre adds one to what every area within the catchment can reach.
    Repeats until every area meets the standard (or `limit`); the number of placements is how many
    new assets the standard needs, and the list says where. With `candidates`, only those areas are
    sites and only their shortfall counts (e.g. one local authority); `local_reach` is then `reach`
    among them, if already known.
    """
    deficit = np.ceil(shortfall - 1e-9).astype(np.int64)
    if candidates is not None:
        local = np.asarray(candidates)
        deficit = deficit[local]
    else:
        local = np.arange(len(areas))
    if not deficit.any():
        return []
    if local_reach is not None:  # reach among the candidates alone, worked out by the caller
        reach = local_reach
    else:
        reach = coverage(areas, catchment_m) if reach is None else reach
        if candidates is not None:
            reach = reach[local][:, local].tocsr()
    found = greedy(reach, deficit, np.maximum(areas.population[local].astype(float), 1.0), limit=limit)
    return [Placement(int(local[site]), brings_up, people) for site, brings_up, people in found]


def greedy(
    reach: sparse.csr_matrix, deficit: np.ndarray, population: np.ndarray, *, limit: int | None = None
) -> list[tuple[int, int, int]]:
    """(site, areas brought up, residents brought up) in the order chosen; rows of `reach` are sites."""
    deficit = deficit.copy()
    chosen = []
    while deficit.any() and (limit is None or len(chosen) < limit):
        # Residents brought up now, plus a small credit for deficits reduced, so progress never stalls.
        gains = reach @ (population * (deficit == 1) + population * (deficit > 0) * 1e-6)
        site = int(np.argmax(gains))
        if gains[site] <= 0:
            break  # what is left cannot be reached from any allowed site
        covered = reach.indices[reach.indptr[site] : reach.indptr[site + 1]]  # the row, without scipy's slicing
        done = covered[deficit[covered] == 1]
        chosen.append((site, len(done), int(population[done].sum())))
        deficit[covered] = np.maximum(deficit[covered] - 1, 0)
    return chosen
