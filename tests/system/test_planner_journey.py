"""A planner opens the gap atlas, a ward profile and Manchester's funding case: real server and browser."""

import re

import pytest

from tests.system.conftest import axe_violations

pytestmark = pytest.mark.browser


def test_atlas_ward_profile_and_funding_case(kith_server, page):
    page.goto(kith_server.url + "/insight/?category=social&measure=shortfall")
    assert page.get_by_role("heading", level=1).inner_text() == "Where the gaps are: friendship and social"
    page.locator("#atlas-map[data-ready=true]").wait_for()
    assert page.locator("#atlas-map path.leaflet-interactive").count() == 215  # every ward coloured
    assert page.locator("#atlas-table tbody tr").count() == 60
    assert axe_violations(page) == []

    page.locator("#atlas-table a").first.click()
    assert re.search(
        r": what exists, what people want, and the gaps$", page.get_by_role("heading", level=1).inner_text()
    )
    assert axe_violations(page) == []

    page.goto(kith_server.url + "/insight/funding/E08000003/social/")
    assert page.get_by_role("heading", level=1).inner_text() == "Friendship and social in Manchester"
    lede = page.locator(".nhsuk-lede-text").inner_text()
    assert lede.startswith(("To bring all 32 Manchester wards", "Every neighbourhood in Manchester"))
    assert page.get_by_role("link", name="Excel (XLSX)").count() == 1
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    assert page.locator("header.nhsuk-header").is_hidden()
    assert page.js_errors == []


def test_measures_and_freshness_for_a_borough(kith_server, page):
    page.goto(kith_server.url + "/insight/?category=social&measure=shortfall")
    page.get_by_role("link", name="measures that are not referral counts").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Measures that matter in Manchester"
    assert page.get_by_role("row", name=re.compile("^Greater Manchester")).count() == 1
    assert axe_violations(page) == []
    page.goto(kith_server.url + "/listings/freshness/?la=E08000003")
    assert "How fresh the listings are in Manchester" in page.content()
    assert axe_violations(page) == []


def test_a_commissioner_narrows_the_atlas_to_manchester_and_reads_a_case_that_adds_up(kith_server, page):
    page.goto(kith_server.url + "/insight/")
    page.get_by_label("What matters").select_option(label="Nature and green space")
    page.get_by_label("Borough").select_option(label="Manchester")
    page.get_by_label("Colour by").select_option(label="Gap, likely gap or missing data")
    page.get_by_role("button", name="Show").click()
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Where the gaps are: nature and green space in Manchester"
    )
    page.locator("#atlas-map[data-sites]").wait_for()
    assert page.locator("#atlas-map path.leaflet-interactive").count() == 32  # Manchester's wards
    assert int(page.locator("#atlas-map").get_attribute("data-sites")) > 400  # Manchester's green spaces
    legend = page.locator("#atlas-legend").inner_text()
    assert "Meets the standard" in legend and "_" not in legend
    harpurhey = page.get_by_role("row", name=re.compile("^Harpurhey"))
    assert "meets the standard" in harpurhey.inner_text()
    assert axe_violations(page) == []

    page.get_by_label("Show", exact=True).select_option("lsoa")
    page.get_by_role("button", name="Show").click()
    page.locator("#atlas-map[data-ready=true]").wait_for()
    assert page.locator("#atlas-map path.leaflet-interactive").count() > 250  # Manchester's neighbourhoods

    page.goto(kith_server.url + "/insight/funding/E08000003/nature/gardening/")
    lede = page.locator(".nhsuk-lede-text").inner_text()
    headline = int(re.search(r"(\d+) more (?:is|are) needed", lede).group(1))
    footer = page.locator("#wards tfoot td").nth(4).inner_text()
    assert int(footer) == headline
    assert page.locator("#sites tbody tr").count() == headline
    assert "postcode district" in page.locator("#sites").inner_text()
    assert "Where people live" in page.locator("#method").inner_text()
    assert axe_violations(page) == []
    assert page.js_errors == []
