"""A GP asks the locality expert, the ward's link worker answers from the directory, the GP reads it:
the real server, a real browser, accessibility scans, and the emails written by Kith's mail backend."""

import re

import pytest

from tests.live import mail_to
from tests.system.conftest import axe_violations
from tests.system.test_link_worker_journey import sign_in

pytestmark = pytest.mark.browser


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_a_professional_asks_a_link_worker_answers_and_the_professional_reads_it(kith_server, page):
    sign_in(page, kith_server, "demo-gp")
    page.get_by_role("link", name="Enquiries").first.click()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Ask about a neighbourhood").click()
    page.get_by_label("Which neighbourhood?").select_option(label="Harpurhey")
    page.get_by_label("What matters to them").select_option(label="Being active and walking")
    page.get_by_label("What are they looking for?").fill("Mrs Smith wants to walk")
    page.get_by_role("button", name="Send to the link workers").click()
    assert "could identify the person" in page.locator(".nhsuk-error-summary").inner_text()
    assert axe_violations(page) == []
    page.get_by_label("What are they looking for?").fill("Someone who wants to walk, anxious in big groups, no car")
    page.get_by_label("Confidence or anxiety").check()
    page.get_by_label("Transport").check()
    page.get_by_role("button", name="Send to the link workers").click()
    assert "Sent to the link workers for Harpurhey" in page.content()
    enquiry_url = page.url
    assert axe_violations(page) == []
    (told,) = mail_to(kith_server, "demo-linkworker@example.org")
    assert "anxious in big groups" in told
    sign_out(page)

    sign_in(page, kith_server, "demo-linkworker")
    page.goto(kith_server.url + "/enquiries/")
    page.get_by_role("link", name=re.compile("anxious in big groups")).click()
    page.get_by_role("link", name="Answer this enquiry").click()
    assert axe_violations(page) == []
    page.get_by_label("Search the directory near Harpurhey").fill("walk")
    page.get_by_role("button", name="Search").click()
    first = page.locator('input[name="listing"]').first
    chosen = page.locator(f'label[for="{first.get_attribute("id")}"]').inner_text().split("(")[0].strip()
    first.check()
    page.get_by_label("Something suitable found").check()
    page.get_by_label("Your note to the professional").fill("A small, gentle walk that meets at the park gates.")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send the answer").click()
    assert "Answer sent." in page.content()
    sign_out(page)

    sign_in(page, kith_server, "demo-gp")
    page.goto(enquiry_url)
    assert chosen in page.content() and "gentle walk" in page.content()
    assert "within the target of 2 working days" in page.content()
    assert axe_violations(page) == []
    (answered,) = mail_to(kith_server, "demo-gp@example.org")
    assert chosen in answered.replace("=\n", "")
