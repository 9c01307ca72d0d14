"""A GP system refers someone in BaRS; a link worker accepts, records the person's agreement to share outcomes and
closes the record; the GP system's endpoint gets both responses, and the team sees them sent: real server, real
worker, real browser, the GP system a stand-in on loopback."""

import json
import re
import subprocess
import time

import httpx
import pytest

from kith.interop.stand_in import StandIn, referral_message
from tests.system.conftest import axe_violations
from tests.system.test_link_worker_journey import sign_in

pytestmark = pytest.mark.browser


def test_a_gp_systems_referral_is_accepted_closed_and_answered(kith_server, browser):
    gp = StandIn().start()
    try:
        printed = subprocess.run(
            [*kith_server.kith, "demo-systems", "--stand-in-port", str(gp.port)],
            env=kith_server.env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        key = re.search(r"kith_\S+", printed.stdout).group(0)
        message = referral_message(given="Gwendolyn", family="Fromthegp", nhs_number="9434765870")
        answer = httpx.post(
            f"{kith_server.url}/fhir/$process-message",
            content=json.dumps(message),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/fhir+json"},
        )
        assert answer.status_code == 200, answer.text

        worker = browser.new_context(locale="en-GB").new_page()
        sign_in(worker, kith_server, "demo-linkworker")
        worker.wait_for_url(re.compile(r"/people/$"))
        worker.goto(kith_server.url + "/referral-queue/")
        assert "through Demo GP system (stand-in)" in worker.content()
        worker.get_by_role("link", name="Gwendolyn Fromthegp").click()
        assert "(SNOMED CT 871731000000106)" in worker.content() and "943 476 5870" in worker.content()
        assert axe_violations(worker) == []
        worker.get_by_role("button", name=re.compile("^Accept")).first.click()
        assert worker.get_by_role("heading", level=1).inner_text() == "Gwendolyn Fromthegp"
        assert "Share outcome details with the referrer" in worker.content()  # the team is asked to ask
        worker.get_by_text("Record consent or an objection").click()
        worker.get_by_label("For", exact=True).select_option(label="Share outcome details with the referrer")
        worker.get_by_label("Their decision").select_option(label="Agreed")
        worker.get_by_label("How it was recorded").select_option(label="In person")
        worker.get_by_label("The words shown or read to them").fill("May we tell your GP how it went?")
        worker.get_by_role("button", name="Record", exact=True).click()
        worker.get_by_role("link", name="Close the record").click()
        worker.get_by_label("What mattered to them is in place").check()
        worker.get_by_role("button", name="Close the record").click()

        deadline = time.monotonic() + 30
        while len(gp.received) < 2 and time.monotonic() < deadline:  # the worker sends them
            time.sleep(0.2)
        assert [r.status for r in gp.received] == ["accepted", "completed"]
        assert all(r.answering == message["id"] for r in gp.received)
        assert "0 connections made" in gp.received[1].said  # she agreed: the summary says it

        worker.goto(kith_server.url + "/referral-queue/")
        worker.get_by_role("link", name="Responses sent to referrers' GP systems").click()
        assert worker.get_by_role("heading", level=1).inner_text() == "Responses to referrers"
        assert worker.title().startswith("Responses to referrers")
        table = worker.locator("main table").inner_text()
        assert table.count("Sent") == 2 and "Closing summary" in table and "Gwendolyn" not in table
        assert axe_violations(worker) == []
    finally:
        gp.stop()

    lead = browser.new_context(locale="en-GB").new_page()
    sign_in(lead, kith_server, "demo-lead")
    lead.goto(kith_server.url + "/social-prescribing-dataset/")
    assert lead.get_by_role("heading", level=1).inner_text() == "Social prescribing dataset"
    assert "Needs and concerns" in lead.content()
    assert axe_violations(lead) == []
