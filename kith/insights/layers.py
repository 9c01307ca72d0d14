"""Open-data asset layers as supply for the gap method: what exists on the ground, not what is listed.

Each layer names the wants it feeds, the boroughs it covers, its publisher, date and licence. They
are read from the files shipped in kith/directory/data/assets, never from the directory: a layer is
not a listing (not searched, not in the API, not reviewed). See docs/adr/0025-gap-evidence.md.
"""

import csv
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from kith.geo.distance import EARTH_RADIUS_M
from kith.insights.access import unit_vectors
from kith.insights.gaps import Supply

ASSETS = Path(__file__).resolve().parent.parent / "directory" / "data" / "assets"
GM_BOROUGHS = (*(f"E0800000{n}" for n in range(1, 10)), "E08000010")
TRAFFORD = ("E08000009",)
ONE_SITE_WITHIN_M = 100.0  # points of one kind closer than this are one site (a park's gates)


@dataclass(frozen=True)
class Layer:
    key: str
    title: str  # what a reader calls it
    file: str
    wants: tuple[str, ...]  # the wants (top level and named level) it is supply for
    publisher: str
    dated: str
    licence: str
    boroughs: tuple[str, ...] = GM_BOROUGHS
    keep: Callable[[dict], bool] = lambda row: True
    by_postcode: bool = False  # the file has a postcode, not a point

    def covers(self, borough: str | None) -> bool:
        return borough in self.boroughs


def _not_private(row: dict) -> bool:
    return row.get("access_type") != "Private Use"


def _pool(row: dict) -> bool:
    return "swim" in (row.get("facilities", "") + row.get("facility_type", "")).lower() and _not_private(row)


OGL = "Open Government Licence v3.0"
LAYERS = (
    Layer(
        "greenspace",
        "OS Open Greenspace access points",
        "gm_greenspace_access_points.csv",
        ("nature", "nature/parks"),
        "Ordnance Survey (Contains OS data © Crown copyright and database right 2023)",
        "October 2023",
        OGL,
    ),
    Layer(
        "green_flag",
        "Green Flag Award parks",
        "gm_green_flag_parks.csv",
        ("nature", "nature/parks"),
        "Keep Britain Tidy",
        "2019",
        OGL,
    ),
    Layer("libraries", "Public libraries", "gm_libraries.csv", ("learning", "learning/libraries"), "DCMS", "2019", OGL),
    Layer(
        "food_banks",
        "Food banks, pantries and food clubs",
        "gm_food_banks.csv",
        ("food", "food/food-banks"),
        "GM Poverty Action",
        "January 2018",
        OGL,
    ),
    Layer(
        "worship",
        "Places of worship",
        "gm_places_of_worship.csv",
        ("faith", "faith/worship"),
        "Ordnance Survey OS OpenMap Local",
        "2019",
        OGL,
    ),
    Layer(
        "pharmacies",
        "Community pharmacies",
        "gm_pharmacies.csv",
        ("health", "health/pharmacies"),
        "NHS Business Services Authority",
        "2019",
        OGL,
        by_postcode=True,
    ),
    Layer(
        "leisure_centres",
        "Trafford leisure centres",
        "trafford_leisure_centres.csv",
        ("active", "active/gym"),
        "Trafford Council",
        "2023",
        OGL,
        boroughs=TRAFFORD,
    ),
    Layer(
        "pools",
        "Trafford swimming pools",
        "trafford_leisure_centres.csv",
        ("active/swimming",),
        "Trafford Council",
        "2023",
        OGL,
        boroughs=TRAFFORD,
        keep=_pool,
    ),
    Layer(
        "sport_facilities",
        "Trafford sport facilities (Active Places)",
        "trafford_sport_facilities.csv",
        ("active", "active/sport"),
        "Sport England Active Places",
        "2025",
        OGL,
        boroughs=TRAFFORD,
        keep=_not_private,
    ),
)


def layers_for(want: str) -> list[Layer]:
    return [layer for layer in LAYERS if want in layer.wants]


def assessed_wants() -> list[str]:
    """The named-level wants the gap method assesses on their own: those with a layer, and walking and
    gardening, which people name most (they have no layer: their shortfalls read "may be missing data")."""
    named = {w for layer in LAYERS for w in layer.wants if "/" in w}
    return sorted(named | {"active/walking", "nature/gardening"})


@functools.cache
def _rows(file: str) -> tuple[dict, ...]:
    with (ASSETS / file).open(newline="", encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


def points_of(layer: Layer, postcode_points: Callable[[list[str]], dict[str, tuple[float, float]]]) -> np.ndarray:
    """(n, 2) lon/lat of the layer's assets; a row whose postcode has no point is left out."""
    rows = [row for row in _rows(layer.file) if layer.keep(row)]
    if layer.by_postcode:
        found = postcode_points([row["postcode"] for row in rows])
        points = [found[row["postcode"]] for row in rows if row["postcode"] in found]
    else:
        points = [(float(row["lon"]), float(row["lat"])) for row in rows if row.get("lon") and row.get("lat")]
    return np.array(points, dtype=float).reshape(-1, 2)


def group_sites(lonlat: np.ndarray, within_m: float = ONE_SITE_WITHIN_M) -> np.ndarray:
    """The site of each point: points joined by steps of at most `within_m` are one site."""
    n = len(lonlat)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    chord = 2 * np.sin(within_m / (2 * EARTH_RADIUS_M))
    pairs = cKDTree(unit_vectors(lonlat)).query_pairs(chord, output_type="ndarray")
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    return connected_components(graph, directed=False)[1].astype(np.int64)


def combined_supply(layer_points: list[np.ndarray], listing_points: np.ndarray) -> Supply:
    """Open-data points grouped into sites, with listings: a listing within 100 m of an open-data point is
    that site (the same place, listed); any other listing is a site of its own."""
    layer_lonlat = np.vstack([p for p in layer_points if len(p)] or [np.empty((0, 2))])
    sites = group_sites(layer_lonlat)
    count = int(sites.max()) + 1 if len(sites) else 0
    listing_site = np.full(len(listing_points), -1, dtype=np.int64)
    if len(layer_lonlat) and len(listing_points):
        chord = 2 * np.sin(ONE_SITE_WITHIN_M / (2 * EARTH_RADIUS_M))
        distance, nearest = cKDTree(unit_vectors(layer_lonlat)).query(
            unit_vectors(listing_points), distance_upper_bound=chord
        )
        near = np.isfinite(distance)
        listing_site[near] = sites[nearest[near]]
    alone = listing_site < 0
    listing_site[alone] = count + np.arange(int(alone.sum()))
    total = count + int(alone.sum())
    return Supply(
        lonlat=np.vstack([layer_lonlat, listing_points.reshape(-1, 2)]),
        capacity=np.ones(total),
        site=np.concatenate([sites, listing_site]),
    )
