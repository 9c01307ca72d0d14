"""What the indices of deprivation and the loneliness measure say of an area, summed over its LSOAs."""

from kith.geo.models import Area, AreaLevel, LsoaIndicators


def deprivation_summary(area: Area) -> dict | None:
    """How deprived and lonely an area is, from its LSOAs' indicators (population-weighted), or None."""
    if area.level == AreaLevel.LSOA:
        rows = LsoaIndicators.objects.filter(lsoa=area)
    elif area.level == AreaLevel.WARD:
        rows = LsoaIndicators.objects.filter(lsoa__best_fit_ward=area)
    else:
        rows = LsoaIndicators.objects.filter(lsoa__local_authority=area)
    values = list(rows.values_list("imd_decile", "population", "loneliness_pct"))
    if not values:
        return None
    population = sum(p for _, p, _ in values)
    return {
        "lsoas": len(values),
        "population": population,
        "most_deprived": sum(1 for d, _, _ in values if d == 1),
        "most_deprived_share": round(100 * sum(p for d, p, _ in values if d <= 2) / population) if population else 0,
        "loneliness": round(sum(pct * p for _, p, pct in values) / population, 1) if population else None,
    }
