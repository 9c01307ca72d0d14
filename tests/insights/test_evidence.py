"""Gap evidence a commissioner can act on: checked against the ground, consistent, named and stated."""

import csv
import io
import re

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from kith.cli import main
from kith.core import disclosure
from kith.geo.distance import haversine_m
from kith.geo.models import Area
from kith.insights import engine, labels, layers
from kith.insights.engine import Row
from kith.insights.gaps import CATCHMENTS_M, GAUSSIAN, Areas, Standard, Supply, Weights, assess

pytestmark = pytest.mark.django_db
MANCHESTER = "E08000003"


@pytest.fixture(scope="module")
def report(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        engine.forget()
        return engine.report()


def ward(name: str) -> str:
    return Area.objects.wards().get(name=name, local_authority_id=MANCHESTER).code


def test_no_neighbourhood_within_a_walk_of_a_greenspace_is_below_the_nature_standard(report):
    # Distances worked out here by brute force from the open data, not by the method's own pair-finding.
    gates = layers.points_of(layers.LAYERS[0], lambda postcodes: {})
    nearest = np.array(
        [haversine_m(lon, lat, gates[:, 0], gates[:, 1]).min() for lon, lat in report.areas.lonlat], dtype=float
    )
    near = nearest <= 1600
    assert near.sum() > 1500  # most of Greater Manchester is a walk from a green space
    assert report.results["nature"].meets[near].all()
    assert report.results["nature/parks"].meets[near].all()


@pytest.mark.parametrize("name", ["Harpurhey", "Woodhouse Park"])
def test_wards_full_of_greenspace_have_no_nature_gap(report, name):
    row = engine.area_row(report, ward(name), "nature")
    assert row.label not in {labels.GAP, labels.LIKELY_GAP}
    assert row.open_data > 10 and row.covered


def test_no_manchester_ward_whose_every_neighbourhood_is_near_greenspace_shows_a_nature_gap(report):
    gates = layers.points_of(layers.LAYERS[0], lambda postcodes: {})
    for code in set(report.ward_of[report.local_authority_of == MANCHESTER]):
        idx = report.lsoas_in(code)
        near = all(
            haversine_m(lon, lat, gates[:, 0], gates[:, 1]).min() <= 1600 for lon, lat in report.areas.lonlat[idx]
        )
        if near:
            assert engine.area_row(report, code, "nature").label == labels.MEETS


def test_a_ward_with_no_assets_and_high_demand_is_a_gap_under_every_setting():
    # Two neighbourhoods 20 km from the nearest asset, in a borough the open data covers.
    areas = Areas(
        codes=np.array(["far1", "far2"], dtype=object),
        lonlat=np.array([(-2.0, 53.8), (-2.0, 53.801)]),
        population=np.array([1500.0, 1600.0]),
        imd_decile=np.array([1.0, 1.0]),
        loneliness_pct=np.array([30.0, 30.0]),
        cni_rank=np.full(2, np.nan),
    )
    supply = Supply(lonlat=np.array([(-2.0, 53.6)]), capacity=np.ones(1))
    result = assess(areas, supply, Standard(), Weights(), {"people": np.array([40.0, 60.0])})
    assert set(result.meets_under) == {*CATCHMENTS_M, GAUSSIAN}
    assert not any(m.any() for m in result.meets_under.values())
    assert result.below_everywhere.all()
    for listings, checked in ((0, 0), (5, 0), (5, 5)):
        assert labels.label(True, True, True, listings, checked) == labels.GAP


def test_the_funding_case_headline_equals_its_table_and_names_its_sites(client, report):
    html = client.get(f"/insight/funding/{MANCHESTER}/nature/gardening/").content.decode()
    la = engine.area_row(report, MANCHESTER, "nature/gardening")
    assert la.shortfall > 0  # gardening has no open-data layer: listings alone, so Manchester falls short
    headline = re.search(r"\), (\d+) more (?:is|are) needed, in", html)
    assert headline and int(headline.group(1)) == la.shortfall
    wards = re.search(r'<table class="nhsuk-table" id="wards">.*?</table>', html, re.S).group(0)
    body, foot = wards.split("<tfoot>")
    plan = [int(r[5]) for r in re.findall(r"<tr>" + r"<td[^>]*>(.*?)</td>" * 9, body, re.S)]
    assert sum(plan) == la.shortfall
    assert f'<td class="nhsuk-table__cell--numeric">{la.shortfall}</td>' in foot
    sites = re.search(r'<table class="nhsuk-table" id="sites">.*?</table>', html, re.S).group(0)
    assert "LSOA E01" not in sites and "E01" not in sites
    assert len(re.findall(r"postcode district M\d+", sites)) == la.shortfall
    assert "about" in sites  # the nearest listed place and how far


def test_the_method_names_where_people_live_how_sure_and_how_far(client):
    html = client.get(f"/insight/funding/{MANCHESTER}/nature/").content.decode()
    method = re.search(r'<ul[^>]*id="method">(.*?)</ul>', html, re.S).group(1)
    for words in (
        "the postcode nearest the mean",
        "no residential flag",
        "OS Open Greenspace access points",
        "Open Government Licence v3.0",
        "within 100 m of each other are one site",
        "How sure:",
        "fewer than half its listings were checked",
        "800, 1,600, 2,400 m and with Gaussian decay",
        "three series never added together",
        "Community Needs Index",
    ):
        assert words in method, words
    assert "charts" not in method
    assert "people" in html and " per 1,000" in html  # charts carry units


def test_the_atlas_filters_to_a_borough_by_ward_or_neighbourhood(client, report):
    html = client.get("/insight/", {"category": "nature", "la": MANCHESTER}).content.decode()
    assert "Where the gaps are: nature and green space in Manchester" in html
    assert len(re.findall(r"<tr><td><a href=\"/insight/wards/", html)) == 32
    assert "Gap: below the standard under every catchment" in html or "Meets the standard" in html
    wards = client.get("/insight/map.geojson", {"category": "nature", "la": MANCHESTER}).json()
    assert len(wards["features"]) == 32 and all(f["properties"]["label"] for f in wards["features"])
    assert all(item["label"][0].isupper() and " " in item["label"] for item in wards["legend"])  # words, not codes
    lsoas = client.get("/insight/map.geojson", {"category": "nature", "la": MANCHESTER, "level": "lsoa"}).json()
    assert len(lsoas["features"]) == len(report.lsoas_in(MANCHESTER))
    assert client.get("/insight/", {"la": "E99999999"}).status_code == 404
    assert client.get("/insight/", {"level": "street"}).status_code == 404


def test_the_open_data_layer_is_on_the_map_with_its_source(client):
    data = client.get("/insight/layers.geojson", {"category": "nature"}).json()
    assert len(data["features"]) > 3000  # sites, not the 9,933 gates
    assert {"OS Open Greenspace access points", "Green Flag Award parks"} == {x["title"] for x in data["layers"]}
    assert client.get("/insight/layers.geojson", {"category": "social"}).json()["features"] == []


def test_kith_gaps_gives_the_label_and_the_three_catchment_verdicts():
    result = CliRunner().invoke(
        main, ["gaps", "--area", MANCHESTER, "--category", "nature", "--format", "csv", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 32
    for column in ("label", "catchment_verdict", "lsoas_below_800m", "lsoas_below_1600m", "lsoas_below_2400m"):
        assert column in rows[0]
    for row in rows:
        assert row["label"] in labels.ORDER
        assert int(row["lsoas_below_800m"]) >= int(row["lsoas_below_1600m"]) >= int(row["lsoas_below_2400m"])
        assert row["lsoas_below_1600m"] == row["lsoas_below_standard"]
        assert (row["catchment_verdict"] == "") == (row["label"] == labels.MEETS)


def test_the_published_label_follows_the_rule(report):
    for code in sorted(set(report.ward_of[report.local_authority_of == MANCHESTER]))[:8]:
        for category in ("nature", "active", "social"):
            row = engine.area_row(report, code, category)
            assert row.label == labels.label(
                row.lsoas_below > 0, row.verdict == labels.VERDICT_EVERY, row.covered, row.listings, row.checked
            )
    # Sport facilities are open data for Trafford only: elsewhere a shortfall in being active may be missing data.
    assert report.covered("active", "E08000009") and not report.covered("active", MANCHESTER)


@given(
    people=st.integers(0, 10_000),
    enquiries=st.integers(0, 500),
    nothing=st.integers(0, 500),
    searches=st.integers(0, 500),
)
def test_every_demand_series_is_published_under_disclosure_control(people, enquiries, nothing, searches):
    row = Row(
        area_code="W",
        area_name="W",
        category="nature",
        category_name="Nature",
        demand=people,
        accessibility=0.0,
        target="",
        shortfall=0,
        priority=0.0,
        lsoas=1,
        lsoas_below=0,
        population=1000,
        population_below=0,
        enquiries=enquiries,
        enquiries_nothing=nothing,
        searches=searches,
    )
    published = row.published()
    for key, raw in (
        ("demand", people),
        ("enquiries", enquiries),
        ("enquiries_found_nothing", nothing),
        ("searches_found_nothing", searches),
    ):
        assert published[key] == disclosure.count(raw)
        assert published[key] == disclosure.SUPPRESSED or published[key] == 0 or published[key] >= 10


@pytest.mark.parametrize(
    ("path", "params"),
    [
        (f"/insight/funding/{MANCHESTER}/nature/gardening/", {}),
        (f"/insight/funding/{MANCHESTER}/nature/gardening/", {"format": "csv"}),
        (f"/insight/funding/{MANCHESTER}/nature/gardening/", {"format": "geojson"}),
        ("/insight/", {"category": "nature", "la": MANCHESTER, "level": "lsoa"}),
        ("/insight/map.geojson", {"category": "nature", "la": MANCHESTER, "level": "lsoa"}),
        ("/insight/layers.geojson", {"category": "health"}),
        ("/insight/wards/E05011366/", {}),
        ("/open-data/gaps.csv", {"area": MANCHESTER}),
    ],
)
def test_gap_pages_and_downloads_take_few_queries_however_many_rows(
    client, report, django_assert_max_num_queries, path, params
):
    client.get(path, params)  # the report is kept; what is left is the page's own reading
    with django_assert_max_num_queries(25):
        assert client.get(path, params).status_code == 200


def test_the_open_data_layer_narrows_to_the_borough_chosen(client):
    everywhere = client.get("/insight/layers.geojson", {"category": "nature"}).json()["features"]
    manchester = client.get("/insight/layers.geojson", {"category": "nature", "la": MANCHESTER}).json()["features"]
    assert 200 < len(manchester) < len(everywhere) / 3
    lons = [f["geometry"]["coordinates"][0] for f in manchester]
    assert min(lons) > -2.33 and max(lons) < -2.13  # Manchester runs from about -2.32 to -2.14


def test_the_downloads_carry_the_labels_the_named_sites_and_the_method(client, report):
    from openpyxl import load_workbook

    base = f"/insight/funding/{MANCHESTER}/nature/gardening/"
    shortfall = engine.area_row(report, MANCHESTER, "nature/gardening").shortfall
    book = load_workbook(io.BytesIO(client.get(base, {"format": "xlsx"}).content))
    assert book.sheetnames[1:] == ["Suggested sites", "About"]
    sites = list(book["Suggested sites"].values)
    assert sites[0][:3] == ("order", "ward", "postcode") and len(sites) == shortfall + 1
    assert all(re.match(r"^M\d+ \d[A-Z]{2}$", row[2]) for row in sites[1:])
    assert any("How sure" in (row[0] or "") for row in book["About"].values)
    geo = client.get(base, {"format": "geojson"}).json()
    points = [f for f in geo["features"] if f["geometry"]["type"] == "Point"]
    assert len(points) == shortfall and all(p["properties"]["ward"] for p in points)
    assert {f["properties"]["label"] for f in geo["features"] if f["geometry"]["type"] != "Point"} <= set(labels.ORDER)
    assert any(line.startswith("Uncertainty") for line in geo["method"])
    rows = list(csv.DictReader(io.StringIO(client.get(base, {"format": "csv"}).content.decode())))
    assert rows[0]["label"] in labels.ORDER and "lsoas_below_2400m" in rows[0]


def test_kith_gaps_as_a_table_says_how_sure():
    result = CliRunner().invoke(main, ["gaps", "--area", MANCHESTER, "--category", "nature/gardening", "--quiet"])
    assert result.exit_code == 0, result.output
    header, *lines = result.output.splitlines()
    assert "label" in header and len(lines) == 32
    assert all(any(name in line for name in labels.ORDER) for line in lines)


def test_each_named_level_is_shown_under_its_own_want(report):
    order = list(report.category_names)
    assert order.index("nature") < order.index("nature/parks") < order.index("arts")
    assert order.index("learning") < order.index("learning/libraries") < order.index("volunteering")


def test_a_borough_wide_plan_without_wards_still_reads(report):
    from kith.insights import presenters

    la = engine.area_row(report, MANCHESTER, "nature/gardening")
    la.new_assets_in = []
    assert "more are needed." in " ".join(presenters.narrative(report, la, [], "Gardening"))


def test_the_method_reads_before_the_demand_points_are_loaded(report):
    from collections import Counter

    from kith.insights import presenters

    original = report.demand_points
    try:
        report.demand_points = Counter({"": 1702})  # migrated, not yet reloaded
        assert "1,702 of 1,702 LSOAs at the geometric centroid" in " ".join(presenters.method_notes(report, "nature"))
    finally:
        report.demand_points = original


def test_the_method_names_the_authorities_each_layer_covers_and_leaves_out_those_covering_none(report):
    from kith.insights import presenters

    active = " ".join(presenters.method_notes(report, "active"))
    assert "Trafford sport facilities (Active Places) (Sport England Active Places, 2025, " in active
    assert "Open Government Licence v3.0; covers Trafford)" in active
    nature = " ".join(presenters.method_notes(report, "nature"))
    boroughs = "Bolton, Bury, Manchester, Oldham, Rochdale, Salford, Stockport, Tameside, Trafford and Wigan"
    assert f"covers {boroughs})" in nature
    names = report.names
    try:
        report.names = {code: name for code, name in names.items() if code != "E08000009"}  # Trafford not loaded
        assert "Trafford sport facilities" not in " ".join(presenters.method_notes(report, "active"))
    finally:
        report.names = names


def test_open_data_sites_are_counted_in_wards_without_listings(report):
    counted = report.completeness["nature"]["open_data"]
    assert sum(counted.values()) > 3900  # every green space site, in some ward
    assert len(counted) > 200  # nearly every ward of Greater Manchester has one


@pytest.mark.parametrize(("people", "sorted_as"), [(0, 0.0), (2, 1.0), (7, 1.0), (8, 10.0), (12, 10.0)])
def test_the_atlas_sorts_and_colours_people_as_published(people, sorted_as):
    from kith.insights import presenters

    row = Row("W", "W", "nature", "Nature", people, 0.0, "", 0, 0.0, 1, 0, 1000, 0, enquiries=people, searches=0)
    assert presenters.measure_value(row, "demand") == sorted_as
    assert presenters.measure_value(row, "enquiries") == sorted_as
