"""Two-step floating catchment accessibility (2SFCA, and enhanced 2SFCA with distance decay).

Pure numpy/scipy: points in, one accessibility value per demand point out. Distances are
great-circle metres on a sphere of radius 6,371,008.8 m. Pairs within the catchment are found with
a k-d tree on unit vectors, so the work grows with the number of pairs within reach, not with the
product of the two point counts.

The method (Luo and Wang 2003; Luo and Qi 2009 for distance decay):

1. for each supply point j, R_j = S_j / sum_k P_k W(d_kj) over demand points k within the catchment;
2. for each demand point i, A_i = sum_j R_j W(d_ij) over supply points j within the catchment.

W is 1 (plain 2SFCA), a step function of distance, or a Gaussian. A supply point with no demand
within its catchment contributes nothing. Results equal PySAL's `access.two_stage_fca` on the same
inputs (tests/insights/test_access.py).
"""

import math
from collections.abc import Sequence

import numpy as np
from scipy.spatial import cKDTree

from kith.geo.distance import EARTH_RADIUS_M, haversine_m


def unit_vectors(lonlat: np.ndarray) -> np.ndarray:
    lon, lat = np.radians(lonlat[:, 0]), np.radians(lonlat[:, 1])
    return np.column_stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)))


def great_circle_m(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Haversine distance in metres between rows of two (n, 2) lon/lat arrays: the one formula, geo's."""
    return haversine_m(a[:, 0], a[:, 1], b[:, 0], b[:, 1])


def pairs_within(
    demand_lonlat: np.ndarray, supply_lonlat: np.ndarray, catchment_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(demand index, supply index, distance m) for every pair no further apart than the catchment."""
    demand_lonlat = np.asarray(demand_lonlat, dtype=float).reshape(-1, 2)
    supply_lonlat = np.asarray(supply_lonlat, dtype=float).reshape(-1, 2)
    n, m = len(demand_lonlat), len(supply_lonlat)
    if n == 0 or m == 0 or catchment_m < 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0)
    if math.isinf(catchment_m) or catchment_m >= math.pi * EARTH_RADIUS_M:
        i, j = (g.ravel() for g in np.meshgrid(np.arange(n), np.arange(m), indexing="ij"))
        distance = great_circle_m(demand_lonlat[i], supply_lonlat[j])
    else:
        # A chord a little longer than the catchment finds every candidate; exact distances decide.
        chord = 2 * math.sin(min(catchment_m / (2 * EARTH_RADIUS_M), math.pi / 2)) * (1 + 1e-9) + 1e-12
        found = cKDTree(unit_vectors(demand_lonlat)).sparse_distance_matrix(
            cKDTree(unit_vectors(supply_lonlat)), max_distance=chord, output_type="ndarray"
        )
        i, j = found["i"].astype(np.int64), found["j"].astype(np.int64)
        # The great-circle distance from the chord the tree measured: the same arc as the haversine
        # formula (to a micrometre), without computing it again for every pair.
        distance = 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(found["v"] / 2, 1.0))
    keep = distance <= catchment_m
    return i[keep], j[keep], distance[keep]


def step_weights(distance_m: np.ndarray, steps: Sequence[tuple[float, float]]) -> np.ndarray:
    """Weight of the first step (in order of distance) whose distance is at least d; 0 beyond the last."""
    ordered = sorted((float(d), float(w)) for d, w in steps)
    if any(w < 0 for _, w in ordered):
        raise ValueError("Step weights must not be negative.")
    bounds = np.array([d for d, _ in ordered])
    values = np.array([w for _, w in ordered] + [0.0])
    return values[np.searchsorted(bounds, distance_m, side="left")]


def gaussian_weights(distance_m: np.ndarray, sigma_m: float) -> np.ndarray:
    """exp(-d² / 2σ²): 1 at the point itself, as PySAL's `weights.gaussian`."""
    if sigma_m <= 0:
        raise ValueError("The Gaussian width must be positive.")
    return np.exp(-(distance_m**2) / (2 * sigma_m**2))


def fca2(
    demand_lonlat,
    demand,
    supply_lonlat,
    capacity,
    catchment_m: float,
    weights: Sequence[tuple[float, float]] | None = None,
    *,
    gaussian_sigma_m: float | None = None,
) -> np.ndarray:
    """Accessibility of each demand point: supply per unit of demand that can reach it.

    demand_lonlat: (n, 2) lon/lat of demand points (e.g. LSOA centroids); demand: (n,) weights
    (e.g. residents). supply_lonlat: (m, 2) lon/lat of assets; capacity: (m,) (1 each if unknown).
    catchment_m: the furthest a person is expected to go. weights: (distance_m, weight) steps for
    enhanced 2SFCA (a pair beyond the last step weighs 0); or gaussian_sigma_m for Gaussian decay.
    """
    i, j, distance = pairs_within(demand_lonlat, supply_lonlat, catchment_m)
    return fca2_from_pairs(i, j, distance, demand, capacity, weights, gaussian_sigma_m=gaussian_sigma_m)


def fca2_from_pairs(i, j, distance, demand, capacity, weights=None, *, gaussian_sigma_m=None) -> np.ndarray:
    """The two steps of fca2 on pairs already found: (demand index, supply index, distance) arrays."""
    demand = np.asarray(demand, dtype=float)
    capacity = np.asarray(capacity, dtype=float)
    if weights is not None and gaussian_sigma_m is not None:
        raise ValueError("Give step weights or a Gaussian width, not both.")
    if weights is not None:
        w = step_weights(distance, weights)
    elif gaussian_sigma_m is not None:
        w = gaussian_weights(distance, gaussian_sigma_m)
    else:
        w = np.ones(len(distance))
    reached_demand = np.bincount(j, weights=demand[i] * w, minlength=len(capacity))
    ratio = np.divide(capacity, reached_demand, out=np.zeros(len(capacity)), where=reached_demand > 0)
    return np.bincount(i, weights=ratio[j] * w, minlength=len(demand))


def reachable_supply(demand_lonlat, supply_lonlat, capacity, catchment_m: float) -> np.ndarray:
    """Total capacity within the catchment of each demand point (a plain count when capacity is 1)."""
    capacity = np.asarray(capacity, dtype=float)
    i, j, _ = pairs_within(demand_lonlat, supply_lonlat, catchment_m)
    return np.bincount(i, weights=capacity[j], minlength=len(np.asarray(demand_lonlat).reshape(-1, 2)))
