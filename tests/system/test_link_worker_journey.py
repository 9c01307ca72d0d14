"""A link worker signs in with two factors, records a person, scores wellbeing, finds suggestions,
makes a list to share and records a connection: the real server, a real browser, accessibility scans."""

import datetime as dt
import re

import pytest

from tests.system.conftest import axe_violations

pytestmark = pytest.mark.browser


def sign_in(page, server, username):
    credentials = server.sign_ins[username]
    page.goto(server.url + "/accounts/sign-in/")
    assert axe_violations(page) == []
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(credentials["password"])
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code").fill(credentials["codes"].pop(0))  # each recovery code works once
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign in").click()


def test_link_worker_records_a_person_and_connects_them(kith_server, page):
    sign_in(page, kith_server, "demo-linkworker")
    page.wait_for_url(re.compile(r"/people/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Your team's caseload"
    assert axe_violations(page) == []

    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Given name").fill("Jordan")
    page.get_by_label("Family name").fill("Synthetic")
    page.get_by_label("Date of birth (optional)").fill("3/4/1955")
    page.get_by_label("Postcode").fill("M9 4DH")
    page.get_by_label("What matters to them, in their words").fill("I'd like to walk with other people.")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Jordan Synthetic"
    assert page.get_by_text("Harpurhey ward").count() == 1

    page.get_by_text("Add a want").click()
    page.get_by_label("What they want").select_option(label="Being active and walking: Walking groups")
    page.get_by_label("Priority").select_option(label="High")
    page.get_by_role("button", name="Add want").click()
    assert (
        page.locator("#wants + table").get_by_role("cell", name="Being active and walking: Walking groups").count() == 1
    )

    page.get_by_label("Cost").check()
    page.get_by_role("button", name="Save barriers").click()
    assert page.get_by_label("Cost").is_checked()

    page.get_by_role("link", name="Record SWEMWBS").click()
    page.get_by_label("Occasion").select_option(label="Baseline")
    page.get_by_label("Date taken").fill(dt.date.today().strftime("%d/%m/%Y"))
    for number, answer in enumerate(["3", "3", "2", "4", "3", "3", "2"], start=1):
        page.get_by_label(f"Statement {number} on the printed form", exact=True).select_option(value=answer)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Wellbeing recorded.").count() == 1
    assert page.get_by_role("cell", name="18.59 (raw 20)").count() == 1  # raw 20 → 18.59 by the table
    assert axe_violations(page) == []

    page.get_by_role("link", name="Find suggestions").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Suggestions"
    suggestions_url = page.url
    reasons = page.locator(".kith-reasons").all_inner_texts()
    assert reasons, "there must be free walking groups within reach of M9 4DH"
    assert all(" · free · " in r or r.startswith("free · ") for r in reasons)  # cost is a barrier
    assert axe_violations(page) == []
    boxes = page.get_by_role("checkbox")
    chosen = [
        page.locator(f"label[for='{boxes.nth(i).get_attribute('id')}'] strong").inner_text()
        for i in range(min(2, boxes.count()))
    ]
    for i in range(len(chosen)):
        boxes.nth(i).check()
    page.get_by_role("button", name="Make a list to share").click()
    page.wait_for_url(re.compile(r"/lists/[\w-]{40,}/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Things to try"
    for name in chosen:
        assert page.get_by_role("heading", name=name).count() == 1
    assert page.get_by_text("Jordan").count() == 0 and page.get_by_text("Synthetic").count() == 0
    assert axe_violations(page) == []

    page.goto(suggestions_url)
    page.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Record as connections").click()
    assert page.get_by_text("1 connection recorded as suggested.").count() == 1
    assert page.locator("#connections ~ .nhsuk-card").get_by_text("Suggested").count() >= 1
    assert axe_violations(page) == []
    assert page.js_errors == []


def test_link_worker_checks_the_imports_and_their_problems(kith_server, page):
    sign_in(page, kith_server, "demo-linkworker")
    page.wait_for_url(re.compile(r"/people/$"))
    assert "Import problems: 1" in page.locator(".kith-queues").inner_text()  # the home counts what waits
    page.get_by_role("link", name="imports", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Imports"
    assert page.get_by_role("cell", name=re.compile("^RSS example")).count() == 1
    assert axe_violations(page) == []
    page.get_by_role("link", name="See every import problem").click()
    page.get_by_label("Kind of problem").select_option("quarantined")
    page.get_by_role("button", name="Show").click()
    assert "severity=quarantined" in page.url
    assert axe_violations(page) == []
    page.goto(kith_server.url + "/imports/duplicates/")
    assert axe_violations(page) == []
