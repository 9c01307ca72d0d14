"""An organisation claims its listing by email, sets up its sign-in and updates the listing:
the real server, a real browser, accessibility scans and the email Kith writes."""

import base64
import re

import pytest
from django_otp.oath import totp

from tests.live import mail_to
from tests.system.conftest import axe_violations

pytestmark = pytest.mark.browser


def submit(button) -> None:
    """Press a button or link and wait for the page it leads to: a click returns before that page has
    loaded, and reading the old page then was this test's one-in-three failure."""
    with button.page.expect_navigation():
        button.click()


def listing_with_an_email(server, page) -> str:
    """A listing that shows an email address, found through the open ORUK API."""
    for number in range(1, 30):
        found = page.request.get(f"{server.url}/api/oruk/services?per_page=50&page={number}").json()
        for service in found["contents"]:
            if service.get("email"):
                return f"{server.url}/services/{service['id']}/"
    raise AssertionError("the demo directory has no listing with an email address")


def test_an_organisation_claims_and_updates_a_listing(kith_server, page):
    listing_url = listing_with_an_email(kith_server, page)
    page.goto(listing_url)
    submit(page.get_by_role("link", name="Look after its listings yourself"))
    assert axe_violations(page) == []
    organisation = (
        page.get_by_role("heading", level=1).inner_text().removeprefix("Look after ").removesuffix("'s listings")
    )
    page.get_by_label("Your name").fill("Pat Organiser")
    page.get_by_label("Your email address").fill("pat@wrong.example")
    submit(page.get_by_role("button", name="Send"))
    assert "An administrator will check" in page.content()  # not an address on the listing: no email link

    page.goto(listing_url)
    address = page.locator('a[href^="mailto:"]').first.inner_text()
    submit(page.get_by_role("link", name="Look after its listings yourself"))
    page.get_by_label("Your name").fill("Pat Organiser")
    page.get_by_label("Your email address").fill(address)
    submit(page.get_by_role("button", name="Send"))
    assert f"We have emailed a link to {address.lower()}" in page.content()
    (email,) = mail_to(kith_server, address.lower())
    link = re.search(r"http://\S+/claims/\S+/", email.replace("=\n", "")).group(0)

    assert link.startswith(kith_server.url + "/")  # the email's link is this server's own address
    page.goto(link)
    assert axe_violations(page) == []
    page.get_by_label("Choose a password").fill("a-long-organiser-password-2026")
    submit(page.get_by_role("button", name="Confirm"))
    page.get_by_label("Username").fill(address.lower())
    page.get_by_label("Password").fill("a-long-organiser-password-2026")
    submit(page.get_by_role("button", name="Continue"))
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("Code").fill(f"{totp(key):06d}")
    assert axe_violations(page) == []
    submit(page.get_by_role("button", name="Turn on two-factor sign-in"))
    page.goto(kith_server.url + "/organisation/listings/")
    assert organisation in page.get_by_role("heading", level=1).inner_text()
    assert axe_violations(page) == []
    submit(page.get_by_role("link", name=re.compile("^Edit ")).first)
    page.get_by_label("Cost").fill("£2 a session, first time free")
    submit(page.get_by_role("button", name="Save"))
    assert "£2 a session, first time free" not in page.url
    assert "organisation (organisation editor)" in page.content()
    assert "organisation confirmed" in page.content()
    assert axe_violations(page) == []
