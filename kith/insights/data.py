"""Read what the gap method needs from the database into plain arrays (the only ORM in insights)."""

import datetime as dt
from collections import Counter

import numpy as np
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from kith.directory.search.index import get_index
from kith.geo.models import Area, AreaLevel, LsoaIndicators, Postcode
from kith.geo.placing import area_placer
from kith.insights import layers
from kith.insights.gaps import Areas, Standard, Supply, Weights
from kith.insights.models import AdequacyStandard, PriorityWeights
from kith.people.access import insight_demand_counts

CHECKED_WITHIN_DAYS = 183  # six months


def load_areas() -> tuple[Areas, dict]:
    """Every LSOA with its point, people and need; and lookups to wards and local authorities."""
    rows = list(
        Area.objects.lsoas()
        .order_by("code")
        # Geography loaded before demand points existed has none until `kith load-geography` runs again.
        .annotate(lon=Coalesce("demand_lon", "centroid_lon"), lat=Coalesce("demand_lat", "centroid_lat"))
        .values_list(
            "code",
            "lon",
            "lat",
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
        "demand_points": Counter(Area.objects.lsoas().values_list("demand_point", flat=True)),
    }
    return areas, lookups


def _listing_rows(index, want: str) -> np.ndarray:
    """Rows of placed listings still happening that offer a want (top level or named level)."""
    if "/" in want:
        rows = index.term_rows.get(want, np.empty(0, dtype=np.int64))
    else:
        bit = index.category_bit.get(want)
        rows = np.empty(0, dtype=np.int64) if bit is None else np.flatnonzero((index.categories & (1 << bit)) != 0)
    # Placed, and still happening: a one-off event after its day is no longer supply.
    return rows[~np.isnan(index.lon[rows]) & (index.ends_on[rows] >= dt.date.today().toordinal())]


def postcode_points(postcodes: list[str]) -> dict[str, tuple[float, float]]:
    """Postcode as written in a file → (lon, lat), for the layers that give a postcode, not a point."""
    from kith.geo.postcodes import PostcodeSyntaxError, normalise_postcode

    tidy = {}
    for written in postcodes:
        try:
            tidy[written] = normalise_postcode(written)
        except PostcodeSyntaxError:
            continue  # a layer row without a readable postcode has no point: it is left out
    found = {
        p: (lon, lat)
        for p, lon, lat in Postcode.objects.filter(postcode__in=set(tidy.values()), lat__isnull=False).values_list(
            "postcode", "lon", "lat"
        )
    }
    return {written: found[code] for written, code in tidy.items() if code in found}


_layer_points: dict[int | None, dict[str, np.ndarray]] = {}


def layer_points() -> dict[str, np.ndarray]:
    """Every open-data layer's points, by layer key; read once per geography load (postcodes place some)."""
    from kith.geo.models import GeographyLoad

    load = GeographyLoad.objects.order_by("-loaded_at").values_list("id", flat=True).first()
    if load not in _layer_points:
        _layer_points.clear()
        _layer_points[load] = {layer.key: layers.points_of(layer, postcode_points) for layer in layers.LAYERS}
    return _layer_points[load]


def wants_assessed() -> list[str]:
    """Every top-level want in the index, then the named-level wants assessed on their own."""
    return [*get_index().category_bit, *layers.assessed_wants()]


def load_supply(points: dict[str, np.ndarray] | None = None) -> dict[str, Supply]:
    """Per want: open-data sites and active listings with a place (a listing within 100 m of an open-data
    point is that site). Each site counts 1."""
    index = get_index()
    points = layer_points() if points is None else points
    supply = {}
    for want in wants_assessed():
        rows = _listing_rows(index, want)
        supply[want] = layers.combined_supply(
            [points[layer.key] for layer in layers.layers_for(want)],
            np.column_stack((index.lon[rows], index.lat[rows])),
        )
    return supply


def load_supply_of(want: str) -> Supply:
    """Active listings with a place offering one want at the level it is named ("active/walking")."""
    index = get_index()
    rows = _listing_rows(index, want)
    return Supply(lonlat=np.column_stack((index.lon[rows], index.lat[rows])), capacity=np.ones(len(rows)))


def completeness(wants: list[str], points: dict[str, np.ndarray]) -> dict[str, dict[str, Counter]]:
    """Per want, per ward code: listings, those checked in six months, and open-data sites (each site once,
    in the ward of its first point, whether or not the ward has any listing)."""
    index = get_index()
    fresh = (timezone.now().timestamp() - index.checked_at) / 86400.0 <= CHECKED_WITHIN_DAYS
    placer = area_placer()
    codes = np.array(index.area_codes, dtype=object)
    out = {}
    for want in wants:
        rows = _listing_rows(index, want)
        _, first = np.unique(index.service_id[rows], return_index=True)  # a service at two places is one listing
        rows = rows[first]
        known = index.ward[rows] >= 0
        wards = codes[index.ward[rows][known]]
        supply = layers.combined_supply([points[layer.key] for layer in layers.layers_for(want)], np.empty((0, 2)))
        _, site_first = np.unique(supply.site, return_index=True)
        sites = supply.lonlat[site_first]
        placed = placer.ward_index.locate(sites[:, 0], sites[:, 1]) if len(sites) else []
        out[want] = {
            "listings": Counter(wards.tolist()),
            "checked": Counter(wards[fresh[rows][known]].tolist()),
            "open_data": Counter(w for w in placed if w),
        }
    return out


def ward_series(wants: list[str], *, days: int = 365) -> dict[str, dict[str, Counter]]:
    """Per want: professionals' enquiries, enquiries that found nothing, and public searches that found
    nothing, each counted per ward over the last year. A top-level want counts its named levels too."""
    from kith.enquiries.models import Enquiry, UnmetSearch

    since = timezone.now() - dt.timedelta(days=days)
    enquiries = list(
        Enquiry.objects.filter(asked_at__gte=since, ward_id__isnull=False)
        .values_list("ward_id", "category__code")
        .annotate(asked=Count("id"), nothing=Count("id", filter=Q(outcome=Enquiry.Outcome.NOTHING)))
    )
    searches = list(
        UnmetSearch.objects.filter(searched_on__gte=since.date(), area_id__isnull=False)
        .values_list("area_id", "category")
        .annotate(n=Count("id"))
    )
    out = {}
    for want in wants:

        def counts_for(code, want=want):
            return bool(code) and (code == want or ("/" not in want and code.startswith(want + "/")))

        series = {"enquiries": Counter(), "nothing": Counter(), "searches": Counter()}
        for ward, code, asked, nothing in enquiries:
            if counts_for(code):
                series["enquiries"][ward] += asked
                series["nothing"][ward] += nothing
        for ward, code, n in searches:
            if counts_for(code):
                series["searches"][ward] += n
        out[want] = series
    return out


def load_demand(area_codes: np.ndarray, wants: list[str]) -> dict[str, dict[str, np.ndarray]]:
    """People with an open want, per want and LSOA (distinct people; objectors left out).

    Returns {want: {"people": counts aligned with area_codes}}. Enquiries and searches that found
    nothing are further series, counted per ward on their own (`ward_series`).
    """
    position = {code: i for i, code in enumerate(area_codes)}
    demand: dict[str, dict[str, np.ndarray]] = {want: {"people": np.zeros(len(area_codes))} for want in wants}
    for lsoa, want, people in insight_demand_counts(named=any("/" in want for want in wants)):
        if want in demand and lsoa in position:
            demand[want]["people"][position[lsoa]] = people
    return demand


def load_standards(wants) -> dict[str, Standard]:
    """Each want's standard: its own if an administrator set one, else its top-level want's, else the default."""
    configured = {s.category: s for s in AdequacyStandard.objects.all()}
    standards = {}
    for code in wants:
        s = configured.get(code) or configured.get(code.split("/")[0])
        standards[code] = Standard(s.catchment_m, s.minimum_within_reach, s.per_1000_residents) if s else Standard()
    return standards


def want_names() -> dict[str, str]:
    """Want code → name in display order: each top-level want, then its named levels."""
    from kith.directory.models import TaxonomyTerm

    tops = dict(TaxonomyTerm.objects.what_matters().values_list("code", "name"))
    children = list(
        TaxonomyTerm.objects.filter(taxonomy__source_id="kith-what-matters", parent__code__in=list(tops))
        .order_by("position", "name")
        .values_list("parent__code", "code", "name")
    )
    names = {}
    for top, name in tops.items():
        names[top] = name
        names.update((code, child) for parent, code, child in children if parent == top)
    return names


def load_weights() -> Weights:
    row = PriorityWeights.objects.first()
    return Weights(row.deprivation, row.loneliness, row.community_need) if row else Weights()


NEAR_DEGREES = 0.004  # about 450 m north-south: the demand point is itself a postcode's point or close to one
NEAREST_POSTCODE_M = 450


def name_sites(points: list[tuple[float, float]]) -> list[dict]:
    """For each (lon, lat): its nearest postcode and postcode district, and the nearest listed public venue
    (a named library, park or other public place, never a person's or a sensitive place). Two queries."""
    from scipy.spatial import cKDTree

    from kith.directory.models import Location
    from kith.geo.distance import haversine_m
    from kith.geo.postcodes import outcode
    from kith.insights.access import unit_vectors

    if not points:
        return []
    near = Q()
    for lon, lat in points:
        near |= Q(
            lat__range=(lat - NEAR_DEGREES, lat + NEAR_DEGREES),
            lon__range=(lon - 2 * NEAR_DEGREES, lon + 2 * NEAR_DEGREES),
        )
    postcodes = list(Postcode.objects.filter(near, ward__isnull=False).values_list("postcode", "lon", "lat"))
    postcode_lonlat = np.array([(p_lon, p_lat) for _, p_lon, p_lat in postcodes], dtype=float).reshape(-1, 2)
    index = get_index()
    landmarks = np.flatnonzero(index.landmark & ~np.isnan(index.lon))
    here = np.array(points, dtype=float)
    venue_rows = []
    if len(landmarks):
        _, nearest = cKDTree(unit_vectors(np.column_stack((index.lon[landmarks], index.lat[landmarks])))).query(
            unit_vectors(here)
        )
        venue_rows = landmarks[nearest]
    venue_names = dict(
        Location.objects.filter(id__in={int(index.location_id[r]) for r in venue_rows}).values_list("id", "name")
    )
    named = []
    for k, (lon, lat) in enumerate(points):
        entry = {"postcode": "", "district": "", "venue": "", "venue_m": None}
        if postcodes:
            # The postcodes of every site's box are read at once: only one near this site names it.
            gaps = haversine_m(lon, lat, postcode_lonlat[:, 0], postcode_lonlat[:, 1])
            if gaps.min() <= NEAREST_POSTCODE_M:
                best = postcodes[int(np.argmin(gaps))][0]
                entry.update(postcode=best, district=outcode(best))
        if len(venue_rows):
            row = venue_rows[k]
            entry["venue"] = venue_names.get(int(index.location_id[row]), "")
            entry["venue_m"] = round(float(haversine_m(lon, lat, index.lon[row], index.lat[row])), -1)
        named.append(entry)
    return named
