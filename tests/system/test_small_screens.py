"""On a 375 px phone nothing scrolls sideways, and a keyboard reaches the first result in three Tabs."""

import re

import pytest

from tests.system.conftest import axe_violations
from tests.system.test_link_worker_journey import sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 812}
PUBLIC = [
    "/",
    "/search/?q=walking&near=M9+4DH",
    "/search/print/?q=walking&near=M9+4DH",
    "/whats-on/?area=E05011366",
    "/whats-on/newsletter/?area=E05011366",
    "/areas/",
    "/areas/E05011366/",
    "/insight/",
    "/insight/wards/E05011366/",
    "/insight/measures/",
    "/listings/freshness/?la=E08000003",
    "/talk-to-a-link-worker/",
    "/news/",
]
STAFF = ["/people/", "/listings/review/", "/imports/", "/imports/problems/", "/referral-queue/", "/enquiries/",
         "/pools/", "/accounts/security/"]  # fmt: skip


def _too_wide(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_no_page_scrolls_sideways_on_a_phone(kith_server, browser):
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    wide = []
    page.goto(kith_server.url + "/search/?q=walking&near=M9+4DH")
    first = page.locator("#results a").first.get_attribute("href")
    for path in [*PUBLIC, first]:
        page.goto(kith_server.url + path)
        if _too_wide(page) > PHONE["width"]:
            wide.append((path, _too_wide(page)))
    sign_in(page, kith_server, "demo-linkworker")
    page.wait_for_url(re.compile(r"/people/$"))
    person = page.locator("table a[href^='/people/']").first.get_attribute("href")
    for path in [*STAFF, person]:
        page.goto(kith_server.url + path)
        if _too_wide(page) > PHONE["width"]:
            wide.append((path, _too_wide(page)))
    assert wide == []
    context.close()


def test_on_a_phone_the_filters_fold_away_and_results_start_on_the_first_screen(kith_server, browser):
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    page.goto(kith_server.url + "/search/?q=walking&near=M9+4DH")
    assert page.locator("details.kith-more-filters").get_attribute("open") is None
    top = page.locator("#results li").first.bounding_box()["y"]
    assert top < 2 * PHONE["height"], top
    assert axe_violations(page) == []
    context.close()


def test_the_first_result_is_three_tabs_from_the_top(kith_server, page):
    page.goto(kith_server.url + "/search/?q=walking&near=M9+4DH")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to results"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    first = page.locator("#results a").first
    assert page.evaluate("document.activeElement.getAttribute('href')") == first.get_attribute("href")
