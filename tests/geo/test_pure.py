"""Postcode syntax, great-circle distance and bounding boxes: plain functions, table-driven."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kith.geo.distance import bounding_box, haversine_m
from kith.geo.postcodes import PostcodeSyntaxError, looks_like_postcode, normalise_postcode, outcode
from tests.oracles import vincenty_sphere


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("M9 4DH", "M9 4DH"),
        ("m94dh", "M9 4DH"),
        ("  m9   4dh ", "M9 4DH"),
        ("M15 5DD", "M15 5DD"),
        ("SW1A1AA", "SW1A 1AA"),
        ("wa14 4pu", "WA14 4PU"),
        ("OL11 1AA", "OL11 1AA"),
    ],
)
def test_postcodes_are_tidied(text, expected):
    assert normalise_postcode(text) == expected
    assert looks_like_postcode(text)


@pytest.mark.parametrize("text", ["", "M9", "M9 4D", "99 4DH", "M9 4DHX", "Harpurhey", "M9-4DH!", "ÄÖ1 2AB"])
def test_non_postcodes_are_refused(text):
    assert not looks_like_postcode(text)
    with pytest.raises(PostcodeSyntaxError, match="not a full UK postcode"):
        normalise_postcode(text)


def test_outcode():
    assert outcode("M9 4DH") == "M9"
    assert outcode("WA14 4PU") == "WA14"


@pytest.mark.parametrize(
    ("a", "b", "metres"),
    [
        # Values from an independent great-circle formula (spherical law of cosines, R = 6371008.8 m).
        ((-2.2119, 53.51264), (-2.2119, 53.51264), 0.0),
        ((0.0, 0.0), (1.0, 0.0), 111_195.08),
        ((0.0, 53.0), (0.0, 54.0), 111_195.08),
        ((-2.25122, 53.46047), (-2.2119, 53.51264), 6_357.67),  # Hulme to Harpurhey
    ],
)
def test_haversine_against_known_distances(a, b, metres):
    assert float(haversine_m(a[0], a[1], b[0], b[1])) == pytest.approx(metres, abs=0.5)


@given(
    st.floats(-3.0, -1.5),
    st.floats(53.2, 53.8),
    st.floats(-3.0, -1.5),
    st.floats(53.2, 53.8),
)
def test_haversine_agrees_with_vincenty_on_a_sphere(lon1, lat1, lon2, lat2):
    expected = vincenty_sphere(lon1, lat1, lon2, lat2)
    assert float(haversine_m(lon1, lat1, lon2, lat2)) == pytest.approx(expected, abs=1e-6, rel=1e-9)


@given(st.floats(-3.0, -1.5), st.floats(53.2, 53.8), st.floats(100, 50_000), st.floats(0, 2 * math.pi))
def test_bounding_box_contains_the_whole_circle(lon, lat, radius, bearing):
    min_lon, min_lat, max_lon, max_lat = bounding_box(lon, lat, radius)
    # A point at the radius in any direction (destination formula) lies inside the box.
    d = radius / 6_371_008.8
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing))
    l2 = l1 + math.atan2(math.sin(bearing) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    assert min_lat <= math.degrees(p2) <= max_lat
    assert min_lon <= math.degrees(l2) <= max_lon


def test_haversine_broadcasts_over_arrays():
    lons = np.array([-2.2119, -2.25122])
    lats = np.array([53.51264, 53.46047])
    result = haversine_m(-2.2119, 53.51264, lons, lats)
    assert result.shape == (2,)
    assert result[0] == 0.0
