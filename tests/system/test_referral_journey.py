"""A person asks to talk to a link worker from the home page; a GP refers someone; a link worker takes both
from the team's queue, accepting one and declining the other, and the GP sees why: real server, real browser."""

import re

import pytest

from tests.system.conftest import axe_violations
from tests.system.test_link_worker_journey import sign_in

pytestmark = pytest.mark.browser


def test_a_person_asks_for_help_and_a_link_worker_accepts_it(kith_server, browser):
    person = browser.new_context(locale="en-GB").new_page()
    person.goto(kith_server.url + "/")
    person.get_by_role("link", name="Talk to a link worker").click()
    assert person.get_by_role("heading", level=1).inner_text() == "Talk to a link worker"
    assert axe_violations(person) == []
    person.get_by_label("Your first name").fill("Winifred")
    person.get_by_label("Phone number (optional)").fill("0161 496 0999")
    person.get_by_label("Your postcode").fill("M9 4DH")
    person.get_by_label("What would you like help with?").fill("I would like to sing with other people again.")
    person.get_by_role("button", name="Ask a link worker to get in touch").click()
    assert "Tick the box" in person.content()  # the agreement is asked for, and nothing typed is lost
    assert person.get_by_label("Your first name").input_value() == "Winifred"
    assert axe_violations(person) == []
    person.get_by_label("I agree that a link worker may contact me about this").check()
    person.get_by_role("button", name="Ask a link worker to get in touch").click()
    assert person.get_by_role("heading", level=1).inner_text() == "We have your request"
    assert "will get in touch by" in person.content() and "Winifred" not in person.content()
    assert axe_violations(person) == []

    gp = browser.new_context(locale="en-GB").new_page()
    sign_in(gp, kith_server, "demo-gp")
    gp.goto(kith_server.url + "/referrals/")
    gp.get_by_label("Given name").fill("Percy")
    gp.get_by_label("Family name").fill("Declinable")
    gp.get_by_label("Date of birth").fill("1/2/1948")
    gp.get_by_label("Postcode").fill("M9 4DH")
    gp.get_by_label("What you are asking for").fill("Lonely; would like company.")
    gp.get_by_label("The person agreed to this referral").check()
    gp.get_by_role("button", name="Send referral").click()
    assert "Referral sent to" in gp.content()

    worker = browser.new_context(locale="en-GB").new_page()
    sign_in(worker, kith_server, "demo-linkworker")
    worker.wait_for_url(re.compile(r"/people/$"))
    worker.get_by_role("link", name=re.compile(r"^\d+ referrals? waiting$")).click()
    assert worker.get_by_role("heading", level=1).inner_text() == "Referrals waiting"
    assert axe_violations(worker) == []
    worker.get_by_role("link", name="Winifred").click()
    assert "I would like to sing with other people again." in worker.content()
    assert axe_violations(worker) == []
    worker.get_by_role("button", name="Accept").click()
    assert worker.get_by_role("heading", level=1).inner_text() == "Winifred"
    assert "I would like to sing with other people again." in worker.content()  # what matters, in their words

    worker.goto(kith_server.url + "/referral-queue/")
    worker.get_by_role("link", name="Percy Declinable").click()
    worker.get_by_label("Or decline it: why?").fill("Already supported by the Moston team")
    worker.get_by_role("button", name="Decline").click()
    assert "declined" in worker.content()

    gp.goto(kith_server.url + "/referrals/")
    assert "Declined: Already supported by the Moston team" in gp.content()
    assert axe_violations(gp) == []
