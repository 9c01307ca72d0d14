"""A newcomer finds a walking group near M9 4DH: the real server, a real browser, an accessibility scan."""

import re

import pytest

from tests.system.conftest import axe_violations

pytestmark = pytest.mark.browser


def test_newcomer_searches_walking_near_m9_4dh_and_opens_a_service(kith_server, page):
    page.goto(kith_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Find groups, activities and places near you"
    assert axe_violations(page) == []

    page.get_by_label("What are you looking for?").fill("walking")
    page.get_by_label("Near").fill("M9 4DH")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/search/\?"))

    status = page.get_by_role("status").inner_text()
    count = int(re.match(r"(\d+) results?", status).group(1))
    assert count > 0, status
    assert "within 2 km of M9 4DH" in status
    results = page.locator("#results > li")
    assert results.count() == min(count, 20)
    for reasons in results.locator(".kith-reasons").all_inner_texts():
        distance = re.search(r"([\d.]+) (km|m)\b", reasons)
        metres = float(distance.group(1)) * (1000 if distance.group(2) == "km" else 1)
        assert metres <= 2000

    map_element = page.locator("#map[data-ready=true]")
    map_element.wait_for()
    assert page.locator("#map path.leaflet-interactive").count() >= min(count, 20) + 1  # markers + outline
    # No base map, but something to orient by: neighbouring wards and the search point, labelled.
    labels = page.locator("#map .kith-map-label").all_inner_texts()
    assert "Moston" in labels or "Charlestown" in labels, labels
    assert axe_violations(page) == []

    first = results.first.get_by_role("link")
    name = first.inner_text()
    first.click()
    assert page.get_by_role("heading", level=1).inner_text() == name
    assert page.get_by_text(re.compile(r"^(Checked (.+ ago|today|just now)|Not checked yet)")).count() >= 1
    assert axe_violations(page) == []
    assert page.js_errors == []


def test_bad_postcode_is_explained_in_the_page(kith_server, page):
    response = page.goto(kith_server.url + "/search/?q=walking&near=M99+9ZZ")
    assert response.status == 400
    summary = page.get_by_role("alert")
    assert "We do not know the postcode M99 9ZZ" in summary.inner_text()
    assert axe_violations(page) == []


def test_area_page_and_printable_list(kith_server, page):
    page.goto(kith_server.url + "/areas/E05011366/")
    assert page.get_by_role("heading", level=1).inner_text() == "What is in Harpurhey"
    page.locator("#map[data-ready=true]").wait_for()
    assert axe_violations(page) == []
    page.goto(kith_server.url + "/search/print/?q=walking&near=M9+4DH")
    page.emulate_media(media="print")
    assert page.locator("header.nhsuk-header").is_hidden()
    assert axe_violations(page) == []
    assert page.js_errors == []


def test_the_accessibility_scan_finds_real_problems(page):
    """The scanner is not vacuous: a page with an unlabelled field and an image without alt text fails."""
    page.set_content('<html lang="en"><body><main><img src="data:,"><input type="text"></main></body></html>')
    found = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "label"} <= found


def test_news_from_local_newsletters(kith_server, page):
    page.goto(kith_server.url + "/")
    page.get_by_role("link", name="News from local groups").click()
    assert page.get_by_role("heading", name="Winter warm space at the library").count() == 1
    assert axe_violations(page) == []


def test_whats_on_this_week_and_the_printable_newsletter(kith_server, page):
    page.goto(kith_server.url + "/")
    page.get_by_role("link", name="What's on").first.click()
    assert axe_violations(page) == []
    page.get_by_label("Neighbourhood").first.select_option(label="Harpurhey")
    page.get_by_role("button", name="Show what's on").click()
    assert page.get_by_role("heading", level=1).inner_text() == "What's on in Harpurhey"
    assert page.locator("main h2").count() >= 7
    assert axe_violations(page) == []
    page.get_by_role("link", name="Printable newsletter for a noticeboard").click()
    assert "What's on in Harpurhey" in page.content()
    assert axe_violations(page) == []


def test_everyday_words_find_things_that_say_why_and_an_empty_search_offers_the_broader_want(kith_server, page):
    page.goto(kith_server.url + "/search/?q=somewhere+for+a+cuppa+and+a+chat&near=M11+3FF&radius=3")
    assert int(re.match(r"(\d+) results?", page.get_by_role("status").inner_text()).group(1)) > 0
    why = page.locator("#results > li .kith-why").all_inner_texts()
    assert len(why) == page.locator("#results > li").count()  # every result says why it was found
    assert all("“chat”" in line or "“cuppa”" in line for line in why), why
    assert page.get_by_role("link", name="Nearest first instead").count() == 1
    assert axe_violations(page) == []

    # A finer want with nothing near, in a small demo directory: the first of these that finds nothing.
    for words in ["painting class", "drama", "writing group", "play music", "choir"]:
        page.goto(f"{kith_server.url}/search/?q={words.replace(' ', '+')}&near=M9+4DH&radius=0.5")
        if page.locator("#why-nothing").count():
            break
    assert f"Nothing matched “{words}” within 0.5 km of M9 4DH." in page.locator("#why-nothing").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Anything for “Arts and creativity”").click()
    page.wait_for_url(re.compile(r"category=arts"))
    assert int(re.match(r"(\d+) results?", page.get_by_role("status").inner_text()).group(1)) > 0
    assert page.get_by_label("What are you looking for?").input_value() == ""
    assert axe_violations(page) == []
    assert page.js_errors == []
