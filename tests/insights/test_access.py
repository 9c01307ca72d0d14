"""2SFCA against PySAL's `access` package (the oracle), and the properties its tests publish."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from access.fca import two_stage_fca
from access.weights import gaussian, step_fn
from hypothesis import given, settings
from hypothesis import strategies as st

from kith.insights.access import fca2, pairs_within, reachable_supply, step_weights
from tests.oracles import vincenty_sphere


def oracle(demand_lonlat, demand, supply_lonlat, capacity, catchment_m, weight_fn=None) -> np.ndarray:
    """PySAL's two-stage FCA on a cost table made with an independent distance formula."""
    rows = [
        (f"d{i}", f"s{j}", vincenty_sphere(*demand_lonlat[i], *supply_lonlat[j]))
        for i in range(len(demand_lonlat))
        for j in range(len(supply_lonlat))
    ]
    cost = pd.DataFrame(rows, columns=["origin", "dest", "cost"])
    demand_df = pd.DataFrame({"geoid": [f"d{i}" for i in range(len(demand))], "demand": demand})
    supply_df = pd.DataFrame(
        {"supply": capacity}, index=pd.Index([f"s{j}" for j in range(len(capacity))], name="geoid")
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = two_stage_fca(demand_df, supply_df, cost, max_cost=catchment_m, weight_fn=weight_fn)
    return result.reindex([f"d{i}" for i in range(len(demand))]).fillna(0.0).to_numpy()


def greater_manchester_points(rng, n):
    return np.column_stack((rng.uniform(-2.45, -2.05, n), rng.uniform(53.38, 53.62, n)))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(
    ("catchment", "weights", "sigma"),
    [
        (1600, None, None),
        (3000, None, None),
        (2500, [(800, 1.0), (1600, 0.6), (2500, 0.2)], None),
        (4000, None, 1200.0),
    ],
)
def test_equal_to_pysal_access(seed, catchment, weights, sigma):
    rng = np.random.default_rng(seed)
    demand_points, supply_points = greater_manchester_points(rng, 60), greater_manchester_points(rng, 40)
    demand = rng.integers(1000, 3000, 60).astype(float)
    capacity = rng.integers(1, 4, 40).astype(float)
    weight_fn = step_fn(dict(weights)) if weights else gaussian(sigma) if sigma else None
    ours = fca2(demand_points, demand, supply_points, capacity, catchment, weights, gaussian_sigma_m=sigma)
    theirs = oracle(demand_points, demand, supply_points, capacity, catchment, weight_fn)
    assert np.count_nonzero(ours) > 5
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-15)


@given(st.integers(0, 2**32 - 1), st.integers(1, 25), st.integers(1, 25), st.floats(100, 20_000))
@settings(max_examples=60, deadline=None)
def test_equal_to_pysal_on_random_inputs(seed, n, m, catchment):
    rng = np.random.default_rng(seed)
    demand_points, supply_points = greater_manchester_points(rng, n), greater_manchester_points(rng, m)
    demand, capacity = rng.uniform(1, 5000, n), rng.uniform(0.5, 5, m)
    np.testing.assert_allclose(
        fca2(demand_points, demand, supply_points, capacity, catchment),
        oracle(demand_points, demand, supply_points, capacity, catchment),
        rtol=1e-9,
        atol=1e-15,
    )


def test_an_unlimited_catchment_gives_total_supply_over_total_demand():
    rng = np.random.default_rng(7)
    demand, capacity = rng.uniform(100, 900, 30), rng.uniform(1, 3, 12)
    result = fca2(greater_manchester_points(rng, 30), demand, greater_manchester_points(rng, 12), capacity, math.inf)
    np.testing.assert_allclose(result, capacity.sum() / demand.sum(), rtol=1e-12)


def test_an_empty_catchment_gives_no_access():
    rng = np.random.default_rng(8)
    points = greater_manchester_points(rng, 10)
    assert fca2(points, np.ones(10), points + 0.5, np.ones(10), 1600).tolist() == [0.0] * 10
    assert fca2(points, np.ones(10), np.empty((0, 2)), np.empty(0), 1600).tolist() == [0.0] * 10


def test_supply_with_no_demand_in_reach_counts_for_nothing():
    # One asset beside one neighbourhood, one far from everyone: only the first gives access.
    demand_points = np.array([[-2.2119, 53.51264]])
    supply_points = np.array([[-2.2120, 53.5127], [-2.9, 53.9]])
    assert fca2(demand_points, [1000.0], supply_points, [1.0, 1.0], 1600).tolist() == [pytest.approx(0.001)]


@pytest.mark.parametrize(
    ("distances", "weights"),
    [([0, 799.9, 800, 800.1, 1600, 1600.1], [1.0, 1.0, 1.0, 0.6, 0.6, 0.0])],
)
def test_step_weights_follow_pysal_step_fn(distances, weights):
    steps = [(800, 1.0), (1600, 0.6)]
    assert step_weights(np.array(distances, dtype=float), steps).tolist() == weights
    assert [step_fn(dict(steps))(d) for d in distances] == weights


def test_pairs_are_exactly_those_within_the_catchment():
    rng = np.random.default_rng(3)
    a, b = greater_manchester_points(rng, 80), greater_manchester_points(rng, 70)
    i, j, d = pairs_within(a, b, 2000)
    brute = {(p, q) for p in range(80) for q in range(70) if vincenty_sphere(*a[p], *b[q]) <= 2000}
    assert set(zip(i.tolist(), j.tolist(), strict=True)) == brute
    assert np.allclose(d, [vincenty_sphere(*a[p], *b[q]) for p, q in zip(i, j, strict=True)], atol=1e-6)


def test_reachable_supply_counts_capacity_within_reach():
    here = np.array([[-2.2119, 53.51264]])
    near, far = [-2.2119, 53.5200], [-2.2119, 53.6]
    assert reachable_supply(here, np.array([near, far, near]), [1, 1, 2], 1600).tolist() == [3.0]
