"""Gap benchmark: Greater Manchester end to end from the database, and an England-sized run in memory.

Run by search_bench.py (`make bench`), after the directory and people are built.
"""

import resource
import time
import warnings

import numpy as np

ENGLAND_AREAS = 33_755
ENGLAND_ASSETS = 500_000
ENGLAND_WANTS = 2_000_000
CATCHMENT_M = 1600


def greater_manchester() -> dict:
    """The whole gap report (every category, every LSOA) and the ward table, reading the database."""
    from kith.directory.models import Service
    from kith.insights import data, engine
    from kith.people.models import Want

    engine.forget()
    t0 = time.perf_counter()
    report = engine.report()
    report_seconds = time.perf_counter() - t0
    rows = engine.rows(report)
    seconds = time.perf_counter() - t0
    supply = data.load_supply()
    return {
        "seconds": seconds,
        "report_seconds": report_seconds,
        "sites": sum(len(np.unique(s.site)) for s in supply.values()),
        "points": sum(len(s.lonlat) for s in supply.values()),
        "labelled": sum(r.label != "meets the standard" for r in rows),
        "rows": len(rows),
        "categories": len(report.results),
        "lsoas": len(report.areas),
        "services": Service.objects.count(),
        "wants": Want.objects.count(),
    }


def england(seed: int) -> dict:
    """33,755 areas, 500,000 assets and 2,000,000 wants; Kith's engine, then PySAL access on the same pairs."""
    import pandas as pd
    from access.fca import two_stage_fca

    from kith.insights.access import fca2_from_pairs, pairs_within
    from kith.insights.gaps import Areas, Standard, Supply, Weights, assess

    rng = np.random.default_rng(seed)
    # Areas clustered like towns: centres across England's extent, areas scattered around them.
    towns = np.column_stack((rng.uniform(-5.5, 1.6, 400), rng.uniform(50.2, 55.6, 400)))
    home = towns[rng.integers(0, len(towns), ENGLAND_AREAS)]
    lonlat = home + rng.normal(0, 0.15, (ENGLAND_AREAS, 2))
    population = rng.integers(1000, 3000, ENGLAND_AREAS).astype(float)
    areas = Areas(
        codes=np.array([f"E{i:08d}" for i in range(ENGLAND_AREAS)], dtype=object),
        lonlat=lonlat,
        population=population,
        imd_decile=rng.integers(1, 11, ENGLAND_AREAS).astype(float),
        loneliness_pct=rng.uniform(15, 35, ENGLAND_AREAS),
        cni_rank=np.full(ENGLAND_AREAS, np.nan),
    )
    # Assets gather in some areas (a fifth of areas hold most of them), so others fall short.
    busy = rng.choice(ENGLAND_AREAS, ENGLAND_AREAS // 5, replace=False)
    asset_home = lonlat[busy[rng.integers(0, len(busy), ENGLAND_ASSETS)]]
    supply = Supply(lonlat=asset_home + rng.normal(0, 0.01, (ENGLAND_ASSETS, 2)), capacity=np.ones(ENGLAND_ASSETS))
    wants = np.bincount(rng.integers(0, ENGLAND_AREAS, ENGLAND_WANTS), minlength=ENGLAND_AREAS).astype(float)

    t0 = time.perf_counter()
    result = assess(areas, supply, Standard(catchment_m=CATCHMENT_M), Weights(), {"people": wants})
    kith_seconds = time.perf_counter() - t0
    kith_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    assess(areas, supply, Standard(catchment_m=CATCHMENT_M), Weights(), {"people": wants}, sensitivity=False)
    one_setting_seconds = time.perf_counter() - t0

    # Like for like: the 2SFCA steps alone on the same pairs, Kith's and PySAL's (which takes precomputed costs).
    t0 = time.perf_counter()
    i, j, d = pairs_within(lonlat, supply.lonlat, CATCHMENT_M)
    pairs_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    ours = fca2_from_pairs(i, j, d, population, supply.capacity)
    steps_seconds = time.perf_counter() - t0
    cost = pd.DataFrame({"origin": i, "dest": j, "cost": d})
    demand_df = pd.DataFrame({"geoid": np.arange(ENGLAND_AREAS), "demand": population})
    supply_df = pd.DataFrame({"supply": supply.capacity}, index=pd.Index(np.arange(ENGLAND_ASSETS), name="geoid"))
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = two_stage_fca(demand_df, supply_df, cost, max_cost=CATCHMENT_M)
    pysal_seconds = time.perf_counter() - t0
    theirs = theirs.reindex(np.arange(ENGLAND_AREAS)).fillna(0.0).to_numpy()
    return {
        "kith_seconds": kith_seconds,
        "one_setting_seconds": one_setting_seconds,
        "pysal_seconds": pysal_seconds,
        "pairs": len(i),
        "pairs_seconds": pairs_seconds,
        "steps_seconds": steps_seconds,
        "max_difference": float(np.max(np.abs(theirs - ours))),
        "max_difference_full": float(np.max(np.abs(theirs * 1000 - result.accessibility_per_1000))),
        "new_assets": len(result.placements),
        "below": int((~result.meets).sum()),
        "kith_peak_mb": kith_peak_mb,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
