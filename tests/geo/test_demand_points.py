"""Demand points: the postcode nearest the mean of an LSOA's postcodes, or ONS's weighted centroids."""

import numpy as np
import pytest

from kith.geo import demand_points
from kith.geo.demand_points import CentroidFileError, from_postcodes, read_ons_file


@pytest.mark.parametrize(
    ("lsoas", "lons", "lats", "expected"),
    [
        # The mean of 0, 1 and 2 is 1: the middle postcode.
        (["A", "A", "A"], [0.0, 1.0, 2.0], [0.0, 0.0, 0.0], {"A": (1.0, 0.0)}),
        # Skewed: mean 0.75 is nearer 1 than 0.
        (["A", "A", "A", "A"], [0.0, 0.0, 1.0, 2.0], [0.0] * 4, {"A": (1.0, 0.0)}),
        # One postcode is its own point; a postcode of another area is not counted.
        (["B", "Z"], [5.0, 9.0], [5.0, 9.0], {"B": (5.0, 5.0)}),
        ([], [], [], {}),
    ],
)
def test_nearest_the_mean(lsoas, lons, lats, expected):
    assert from_postcodes(["A", "B", "C"], np.array(lsoas, dtype=object), np.array(lons), np.array(lats)) == expected


def test_ons_file_in_lon_lat_and_in_national_grid(tmp_path):
    lonlat = tmp_path / "pwc.csv"
    lonlat.write_text("LSOA21CD,LSOA21NM,LONG,LAT\nE01005123,Manchester 001A,-2.21,53.52\n")
    assert read_ons_file(lonlat) == {"E01005123": (-2.21, 53.52)}
    grid = tmp_path / "grid.csv"
    # Manchester Town Hall is near SJ 838 980 (383800, 398000).
    grid.write_text("\ufeffLSOA21CD,x,y\nE01005123,383800,398000\n")
    lon, lat = read_ons_file(grid)["E01005123"]
    assert lon == pytest.approx(-2.244, abs=0.01) and lat == pytest.approx(53.480, abs=0.01)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "no rows"),
        ("code,LONG,LAT\nE01,1,2\n", "no LSOA21CD"),
        ("LSOA21CD,east,north\nE01,1,2\n", "neither"),
        ("LSOA21CD,LONG,LAT\nE01,west,2\n", "not a number"),
    ],
)
def test_an_unreadable_ons_file_says_why(tmp_path, text, says):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(CentroidFileError, match=says):
        read_ons_file(path)


@pytest.mark.django_db
def test_every_lsoa_has_a_demand_point_near_its_people():
    from kith.geo.models import Area

    rows = list(
        Area.objects.lsoas().values_list("demand_point", "demand_lon", "demand_lat", "centroid_lon", "centroid_lat")
    )
    assert len(rows) == 1702
    assert {how for how, *_ in rows} <= {demand_points.POSTCODES, demand_points.CENTROID}
    assert sum(how == demand_points.POSTCODES for how, *_ in rows) >= 1690
    moved = np.array([np.hypot((a - c) * 0.6 * 111_320, (b - d) * 111_320) for _, a, b, c, d in rows])
    assert 20 < np.median(moved) < 200  # the issue measured a median of 70 m against geometric centroids
