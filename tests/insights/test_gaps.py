"""The adequacy standard, shortfall, greedy placement and priority, on small made-up places."""

import numpy as np
import pytest

from kith.insights.gaps import GAUSSIAN, Areas, Standard, Supply, Weights, assess, need_scores, place_assets

# Five neighbourhoods in a row 1 km apart along a meridian (1 km ≈ 0.008993° of latitude).
STEP = 1000 / 6_371_008.8 * 180 / np.pi


def row_of_areas(n=5, population=1000, deciles=None, lonely=None):
    return Areas(
        codes=np.array([f"L{i}" for i in range(n)], dtype=object),
        lonlat=np.array([(-2.2, 53.4 + i * STEP) for i in range(n)]),
        population=np.full(n, float(population)),
        imd_decile=np.array(deciles or [5] * n, dtype=float),
        loneliness_pct=np.array(lonely or [20.0] * n),
        cni_rank=np.full(n, np.nan),
    )


def supply_at(*positions):
    return Supply(
        lonlat=np.array([(-2.2, 53.4 + p * STEP) for p in positions]).reshape(-1, 2), capacity=np.ones(len(positions))
    )


@pytest.mark.parametrize(
    ("assets_at", "catchment", "meets"),
    [
        ([0], 1600, [True, True, False, False, False]),
        ([2], 1600, [False, True, True, True, False]),
        ([2], 2100, [True, True, True, True, True]),
        ([], 1600, [False] * 5),
        ([0, 4], 1100, [True, True, False, True, True]),
    ],
)
def test_which_neighbourhoods_meet_one_within_the_catchment(assets_at, catchment, meets):
    result = assess(row_of_areas(), supply_at(*assets_at), Standard(catchment_m=catchment), Weights())
    assert result.meets.tolist() == meets
    assert result.shortfall.tolist() == [0.0 if m else 1.0 for m in meets]


@pytest.mark.parametrize(
    ("assets_at", "needed"),
    [([0], 1), ([], 2), ([2], 2), ([0, 4], 1), ([0, 2, 4], 0)],
)
def test_greedy_placement_counts_and_places_the_new_assets(assets_at, needed):
    areas = row_of_areas()
    result = assess(areas, supply_at(*assets_at), Standard(catchment_m=1600), Weights())
    assert len(result.placements) == needed
    # Placing them really does bring every neighbourhood up to the standard.
    sites = [p.area_index for p in result.placements]
    again = assess(areas, supply_at(*assets_at, *sites), Standard(catchment_m=1600), Weights(), place=False)
    assert again.meets.all()
    assert sum(p.people_brought_up for p in result.placements) == 1000 * int((~result.meets).sum())


def test_placement_within_one_authority_uses_only_its_sites():
    areas = row_of_areas()
    shortfall = np.ones(5)
    placed = place_assets(areas, shortfall, 1600, candidates=np.array([3, 4]))
    assert {p.area_index for p in placed} <= {3, 4}
    assert sum(p.brings_up for p in placed) == 2


def test_a_level_per_thousand_residents_raises_the_target():
    areas = row_of_areas(population=4000)
    result = assess(areas, supply_at(2, 2), Standard(catchment_m=1600, per_1000_residents=1.0), Weights(), place=False)
    assert result.target.tolist() == [4.0] * 5
    assert result.shortfall.tolist() == [4.0, 2.0, 2.0, 2.0, 4.0]


def test_accessibility_is_2sfca_per_thousand_residents():
    result = assess(row_of_areas(n=1), supply_at(0), Standard(), Weights(), place=False)
    assert result.accessibility_per_1000.tolist() == pytest.approx([1.0])  # one asset for 1,000 people


def test_priority_rises_with_deprivation_and_loneliness_and_shows_its_weights():
    areas = row_of_areas(deciles=[1, 10, 5, 5, 5], lonely=[30.0, 10.0, 20.0, 20.0, 20.0])
    scores = need_scores(areas)
    assert scores["deprivation"].tolist() == pytest.approx([1.0, 0.0, 5 / 9, 5 / 9, 5 / 9])
    assert scores["loneliness"].tolist() == pytest.approx([1.0, 0.0, 0.5, 0.5, 0.5])
    result = assess(areas, supply_at(), Standard(), Weights(deprivation=1, loneliness=1, community_need=0), place=False)
    assert result.priority[0] > result.priority[2] > result.priority[1]
    only_loneliness = assess(areas, supply_at(), Standard(), Weights(0, 1, 0), place=False)
    assert only_loneliness.priority.tolist() == pytest.approx([2.0, 1.0, 1.5, 1.5, 1.5])


def test_the_gates_of_one_site_count_once_and_the_nearest_gate_decides():
    # Three gates of one park at 0, 0.1 and 3 km, and a library of its own at 4 km.
    supply = Supply(
        lonlat=np.array([(-2.2, 53.4 + p * STEP) for p in (0, 0.1, 3, 4)]),
        capacity=np.ones(2),
        site=np.array([0, 0, 0, 1]),
    )
    result = assess(row_of_areas(), supply, Standard(catchment_m=1100), Weights(), place=False)
    assert result.reachable.tolist() == [1.0, 1.0, 1.0, 2.0, 2.0]
    assert result.meets.all()


@pytest.mark.parametrize(
    ("assets_at", "under_800", "under_2400", "everywhere"),
    [
        # An asset 2 km from L0: L0 is below at 1,600 m, above at 2,400 m: it depends on the catchment.
        ([2], [False, False, True, False, False], [True] * 5, [False] * 5),
        ([], [False] * 5, [False] * 5, [True] * 5),
        ([0], [True, False, False, False, False], [True, True, True, False, False], [False, False, False, True, True]),
    ],
)
def test_the_standard_is_tried_at_three_catchments_and_with_decay(assets_at, under_800, under_2400, everywhere):
    result = assess(row_of_areas(), supply_at(*assets_at), Standard(catchment_m=1600), Weights(), place=False)
    assert result.meets_under[800.0].tolist() == under_800
    assert result.meets_under[2400.0].tolist() == under_2400
    assert result.meets_under[1600.0].tolist() == result.meets.tolist()
    assert result.below_everywhere.tolist() == everywhere


@pytest.mark.parametrize(
    ("kilometres", "meets"),
    [(0.0, True), (1.6, True), (1.7, False), (3.0, False)],
)
def test_gaussian_decay_weighs_a_site_half_at_the_catchment(kilometres, meets):
    result = assess(row_of_areas(n=1), supply_at(kilometres), Standard(catchment_m=1600), Weights(), place=False)
    assert bool(result.meets_under[GAUSSIAN][0]) is meets


def test_two_sites_a_little_beyond_the_catchment_meet_it_under_decay_only():
    result = assess(row_of_areas(n=1), supply_at(1.8, -1.8), Standard(catchment_m=1600), Weights(), place=False)
    assert not result.meets[0]
    assert result.meets_under[GAUSSIAN][0]


def test_pairs_are_found_once_for_every_setting(monkeypatch):
    from kith.insights import gaps

    calls = []
    real = gaps.pairs_within

    def counted(*args):
        calls.append(args[2])
        return real(*args)

    monkeypatch.setattr(gaps, "pairs_within", counted)
    assess(row_of_areas(), supply_at(1, 3), Standard(catchment_m=1600), Weights(), place=False)
    assert calls == [2400.0]  # the longest any setting needs


def test_grouped_sites_with_nothing_in_reach_leave_every_area_below():
    supply = Supply(lonlat=np.array([(-2.2, 54.4), (-2.2, 54.4001)]), capacity=np.ones(1), site=np.array([0, 0]))
    result = assess(row_of_areas(), supply, Standard(), Weights(), place=False)
    assert not result.meets.any() and result.below_everywhere.all()
    empty = Areas(
        codes=np.array([], dtype=object),
        lonlat=np.empty((0, 2)),
        population=np.empty(0),
        imd_decile=np.empty(0),
        loneliness_pct=np.empty(0),
        cni_rank=np.empty(0),
    )
    assert len(assess(empty, supply, Standard(), Weights(), place=False).meets) == 0


def test_gaussian_decay_counts_no_site_beyond_its_reach_even_when_pairs_go_further():
    # A short catchment (800 m): pairs are found to 2,400 m, but decay counts sites to 1,200 m only.
    result = assess(row_of_areas(n=1), supply_at(*[1.6] * 8), Standard(catchment_m=800), Weights(), place=False)
    assert not result.meets_under[GAUSSIAN][0]
