"""Read what the gap method needs from the database into plain arrays (the only ORM in insights)."""

import datetime as dt

import numpy as np

from kith.directory.search.index import get_index
from kith.geo.models import Area, AreaLevel, LsoaIndicators
from kith.insights.gaps import Areas, Standard, Supply, Weights
from kith.insights.models import AdequacyStandard, PriorityWeights
from kith.people.access import insight_demand_counts


def load_areas() -> tuple[Areas, dict]:
    """Every LSOA with its point, people and need; and lookups to wards and local authorities."""
    rows = list(
        Area.objects.lsoas()
        .order_by("code")
        .values_list(
            "code",
            "centroid_lon",
            "centroid_lat",
            "best_fit_ward_id",
            "local_authority_id",
            "indicators__population",
            "indicators__imd_decile",
            "indicators__loneliness_pct",
            "indicators__cni_rank",
        )
    )
    areas = Areas(
        codes=np.array([r[0] for r in rows], dtype=object),
        lonlat=np.array([(r[1], r[2]) for r in rows], dtype=float).reshape(-1, 2),
        population=np.array([r[5] or 0 for r in rows], dtype=float),
        imd_decile=np.array([r[6] or 10 for r in rows], dtype=float),
        loneliness_pct=np.array([r[7] if r[7] is not None else np.nan for r in rows], dtype=float),
        cni_rank=np.array([r[8] if r[8] is not None else np.nan for r in rows], dtype=float),
    )
    names = dict(Area.objects.without_geometry().exclude(level=AreaLevel.LSOA).values_list("code", "name"))
    lookups = {
        "ward": np.array([r[3] for r in rows], dtype=object),
        "local_authority": np.array([r[4] for r in rows], dtype=object),
        "names": names,
        "cni_loaded": LsoaIndicators.objects.filter(cni_rank__isnull=False).exists(),
    }
    return areas, lookups


def load_supply() -> dict[str, Supply]:
    """Active listings with a place, per top-level want: each service at a place counts 1."""
    index = get_index()
    # Placed, and still happening: a one-off event after its day is no longer supply.
    placed = ~np.isnan(index.lon) & (index.ends_on >= dt.date.today().toordinal())
    supply = {}
    for code, bit in index.category_bit.items():
        rows = placed & ((index.categories & (1 << bit)) != 0)
        supply[code] = Supply(lonlat=np.column_stack((index.lon[rows], index.lat[rows])), capacity=np.ones(rows.sum()))
    return supply


def load_supply_of(want: str) -> Supply:
    """Active listings with a place offering one want at the level it is named ("active/walking")."""
    index = get_index()
    rows = index.term_rows.get(want, np.empty(0, dtype=np.int64))
    rows = rows[~np.isnan(index.lon[rows]) & (index.ends_on[rows] >= dt.date.today().toordinal())]
    return Supply(lonlat=np.column_stack((index.lon[rows], index.lat[rows])), capacity=np.ones(len(rows)))


def load_demand(area_codes: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    """People with an open want, per category and LSOA (distinct people; objectors left out).

    Returns {category: {"people": counts aligned with area_codes}}. Enquiries and searches that
    found nothing will join as further series, each counted on its own.
    """
    position = {code: i for i, code in enumerate(area_codes)}
    demand: dict[str, dict[str, np.ndarray]] = {}
    for lsoa, category, people in insight_demand_counts():
        series = demand.setdefault(category, {"people": np.zeros(len(area_codes))})
        if lsoa in position:
            series["people"][position[lsoa]] = people
    return demand


def load_standards(categories) -> dict[str, Standard]:
    configured = {s.category: s for s in AdequacyStandard.objects.all()}
    standards = {}
    for code in categories:
        s = configured.get(code)
        standards[code] = Standard(s.catchment_m, s.minimum_within_reach, s.per_1000_residents) if s else Standard()
    return standards


def load_weights() -> Weights:
    row = PriorityWeights.objects.first()
    return Weights(row.deprivation, row.loneliness, row.community_need) if row else Weights()
