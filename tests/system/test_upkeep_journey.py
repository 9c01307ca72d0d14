"""Someone reports a change from a listing page and a link worker decides it from the review pages:
the real server, a real browser, accessibility scans on every page on the way."""

import re

import pytest

from tests.system.conftest import axe_violations
from tests.system.test_link_worker_journey import sign_in

pytestmark = pytest.mark.browser


def test_a_change_reported_by_the_public_is_decided_by_a_link_worker(kith_server, page):
    page.goto(kith_server.url + "/search/?q=walking&near=M9+4DH")
    page.locator("ol a").first.click()
    listing = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name="Suggest a change or report a closure").click()
    assert axe_violations(page) == []
    page.get_by_label("Something has changed").check()
    page.get_by_role("button", name="Send the suggestion").click()
    assert "Tell us what has changed." in page.content()  # a change needs words
    assert axe_violations(page) == []
    page.get_by_label("Tell us more").fill("It meets at 11 now, not 10.")
    page.get_by_role("button", name="Send the suggestion").click()
    assert "Thank you" in page.content()

    page.goto(kith_server.url + "/whats-on/digest/")
    assert axe_violations(page) == []

    sign_in(page, kith_server, "demo-linkworker")
    page.wait_for_url(re.compile(r"/people/$"))
    page.get_by_role("link", name="listings to check").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Listings to check")
    assert axe_violations(page) == []
    page.goto(kith_server.url + "/listings/suggestions/")
    assert axe_violations(page) == []
    page.get_by_role("link", name=listing).first.click()
    assert "It meets at 11 now" in page.content()
    assert axe_violations(page) == []
    page.get_by_label("Description").fill("A friendly walk; it meets at 11.")
    page.get_by_label("How did you check it?").select_option("phoned")
    page.get_by_role("button", name="Accept").click()
    assert "Suggestion accepted" in page.content()
    page.goto(kith_server.url + "/search/?q=walking&near=M9+4DH")
    page.get_by_role("link", name=listing).first.click()
    assert "A friendly walk; it meets at 11." in page.content()
    assert "link worker (suggestion)" in page.content()
