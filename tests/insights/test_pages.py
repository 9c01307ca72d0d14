"""The atlas, ward profiles, funding case, downloads, open data and `kith gaps`, under disclosure control."""

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kith.cli import main
from kith.core.disclosure import count
from kith.directory.models import TaxonomyTerm
from kith.insights import engine
from kith.insights.presenters import PALETTE
from kith.people import services as people
from kith.people.access import counted_in_insight
from tests.personas import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_report():
    engine.forget()
    yield
    engine.forget()


def test_demand_counts_distinct_people_and_leaves_out_objectors():
    world = build_world()
    walking, gardening = TaxonomyTerm.objects.get(code="active/walking"), TaxonomyTerm.objects.get(code="active")
    people.add_want(user=world.link_worker, person=world.person, term=walking)
    people.add_want(user=world.link_worker, person=world.person, term=gardening)  # same category, same person
    report = engine.report()
    lsoa = list(report.areas.codes).index("E01005205")
    assert report.results["active"].demand["people"][lsoa] == 1
    # At the level named, too: walking counts for walking groups; the want of "being active" does not.
    assert report.results["active/walking"].demand["people"][lsoa] == 1
    assert report.results["active/swimming"].demand["people"][lsoa] == 0
    people.record_consent(
        user=world.link_worker,
        person=world.person,
        purpose="insight",
        decision="objected",
        method="phone",
        wording="May we count you?",
    )
    assert world.person not in counted_in_insight()
    engine.forget()
    assert engine.report().results["active"].demand["people"][lsoa] == 0


def test_gaps_table_for_manchester_on_the_command_line():
    result = CliRunner().invoke(main, ["gaps", "--area", "E08000003", "--format", "csv", "--quiet"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {"area_code", "area_name", "category", "demand", "accessibility", "target", "shortfall", "priority"} <= set(
        rows[0]
    )
    assert len({r["area_code"] for r in rows}) == 32  # Manchester's wards
    assert len(rows) == 32 * len(engine.report().results)
    for row in rows:
        assert row["demand"] == "*" or int(row["demand"]) % 5 == 0


def test_gaps_refuses_unknown_areas_and_categories():
    assert (
        "not the code of a local authority, ward or LSOA this Kith has loaded"
        in CliRunner().invoke(main, ["gaps", "--area", "E09999999"]).output
    )
    assert "use one of" in CliRunner().invoke(main, ["gaps", "--category", "unicorns"]).output


def test_atlas_map_and_table(client):
    response = client.get("/insight/", {"category": "social", "measure": "priority"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Where the gaps are: friendship and social" in html and 'data-url="/insight/map.geojson' in html
    data = client.get("/insight/map.geojson", {"category": "social", "measure": "priority"}).json()
    assert len(data["features"]) == 215
    assert {f["properties"]["colour"] for f in data["features"]} <= set(PALETTE)
    assert len(data["legend"]) >= 2
    lsoas = client.get("/insight/map.geojson", {"category": "social", "area": "E05011366"}).json()
    assert len(lsoas["features"]) >= 5 and lsoas["features"][0]["properties"]["area_code"].startswith("E01")
    assert client.get("/insight/", {"category": "unicorns"}).status_code == 404
    assert client.get("/insight/map.geojson", {"area": "E99999999"}).status_code == 404


def test_ward_profile(client):
    response = client.get("/insight/wards/E05011366/")
    html = response.content.decode()
    assert response.status_code == 200 and "Harpurhey: what exists, what people want, and the gaps" in html
    assert "Wants and searches that found nothing, over the last year" in html and "Deprivation" in html
    assert client.get("/insight/wards/E08000003/").status_code == 404


def test_funding_case_for_manchester_says_how_many_and_where(client):
    response = client.get("/insight/funding/E08000003/active/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "To bring all 32 Manchester wards up to the adequate level" in html or "already meets" in html
    assert ("Method and data" in html and "IMD" not in html) or "Indices of Deprivation 2025" in html
    assert "<svg" in html
    la = engine.area_row(engine.report(), "E08000003", "active")
    if la.shortfall:
        assert f"{la.shortfall} more" in html


def test_funding_case_downloads(client):
    base = "/insight/funding/E08000003/active/"
    rows = list(csv.DictReader(io.StringIO(client.get(base, {"format": "csv"}).content.decode())))
    assert rows[0]["area_code"] == "E08000003" and len(rows) == 33
    book = load_workbook(io.BytesIO(client.get(base, {"format": "xlsx"}).content))
    assert book.sheetnames[-1] == "About" and book.active.max_row == 34
    geo = json.loads(client.get(base, {"format": "geojson"}).content)
    wards = [f for f in geo["features"] if f["geometry"]["type"] != "Point"]  # then the suggested sites
    assert geo["type"] == "FeatureCollection" and len(wards) == 32
    assert client.get(base, {"format": "pdf"}).status_code == 404


def test_open_data_is_controlled_and_open(client):
    response = client.get("/open-data/gaps.json", {"area": "E08000003", "category": "active"})
    data = response.json()
    assert response["Access-Control-Allow-Origin"] == "*"
    assert data["licence"] == "Open Government Licence v3.0" and len(data["rows"]) == 32
    report = engine.report()
    for row in data["rows"]:
        raw = engine.area_row(report, row["area_code"], "active").demand
        assert row["demand"] == count(int(raw))
    csv_text = client.get("/open-data/gaps.csv", {"area": "E05011366"}).content.decode()
    assert csv_text.startswith("area_code,area_name,category,label,catchment_verdict,demand")
    assert client.get("/open-data/gaps.json", {"area": "nowhere"}).status_code == 400
    assert client.get("/open-data/gaps.json", {"category": "unicorns"}).status_code == 400
    assert client.get("/open-data/gaps.xml").status_code == 404


def test_no_published_people_count_is_between_one_and_seven(client):
    html = client.get("/insight/", {"category": "active", "measure": "demand"}).content.decode()
    cells = re.findall(r'<td class="nhsuk-table__cell--numeric">([^<]*)</td>', html)
    people = cells[1::3]
    assert people and all(c == "*" or int(c) == 0 or int(c) >= 10 for c in people)
