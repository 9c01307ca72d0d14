"""A link worker turns an interest pool into a group opportunity, then a running group, then a listing:
the real server, a real browser, accessibility scans."""

import re

import pytest

from kith.accounts.demo import DEMO_WARDS
from tests.system.conftest import axe_violations
from tests.system.test_link_worker_journey import sign_in

pytestmark = pytest.mark.browser


def test_a_pool_becomes_a_group_then_a_running_group_then_a_listing(kith_server, page):
    sign_in(page, kith_server, "demo-linkworker")
    page.wait_for_url(re.compile(r"/people/$"))
    page.get_by_role("link", name="interest pools and group opportunities").click()
    assert axe_violations(page) == []
    for ward in DEMO_WARDS:
        page.goto(f"{kith_server.url}/pools/?ward={ward}")
        openers = page.get_by_role("link", name=re.compile("^Open a group opportunity"))
        if openers.count() and page.locator("details").count():
            break
    else:
        raise AssertionError("no demo ward has a pool with people on the demo team's caseload")
    openers.first.click()
    assert axe_violations(page) == []
    page.get_by_label("Working title").fill("Tuesday walk and talk")
    page.get_by_label("We run the group").check()
    page.get_by_role("button", name="Open it").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Tuesday walk and talk"
    assert axe_violations(page) == []

    page.get_by_label("How it went").first.select_option("interested")
    page.get_by_role("button", name=re.compile("^Record")).first.click()
    assert "Interested" in page.content()
    page.get_by_label("Task", exact=True).fill("Book the community room")
    page.get_by_role("button", name="Add the task").click()
    for stage in ("Gathering", "First meeting", "Running"):
        page.get_by_role("button", name=f"Move on to: {stage}").click()
    assert page.locator('[aria-current="step"]').inner_text() == "Running"
    assert axe_violations(page) == []

    page.get_by_label("Name of the group").fill("Tuesday Walk and Talk")
    page.get_by_label("What it is").fill("A gentle walk and a cuppa, for anyone who would like company.")
    page.get_by_label("Day it meets").select_option("TU")
    page.get_by_label("Starts").fill("10:30")
    page.get_by_label("Ends (optional)").fill("12:00")
    page.get_by_label("Where it meets").fill("Harpurhey Library")
    page.get_by_label("Postcode of the venue").fill("M9 4DH")
    page.get_by_label("Cost per session in pounds (0 if free)").fill("0")
    page.get_by_role("button", name="List it").click()
    # No way to get in touch: the error stands beside its field, and nothing typed is lost.
    assert page.locator("#id_phone-error").count() == 1
    assert page.get_by_label("Where it meets").input_value() == "Harpurhey Library"
    assert axe_violations(page) == []
    page.get_by_label("Phone number people can call").fill("0161 496 0456")
    page.get_by_role("button", name="List it").click()
    assert "is in the directory, marked as started through Kith" in page.content()
    page.get_by_role("link", name="Tuesday Walk and Talk").click()
    page.wait_for_url(re.compile(r"/services/"))  # content() read mid-navigation is empty
    page.wait_for_load_state()
    assert "Started through Kith" in page.content()
    assert axe_violations(page) == []
