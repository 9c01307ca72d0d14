"""A directory editor works the queues an import fills: a row it could not take, and an organisation two sources
name. The real server, a real browser, accessibility scans on the way; the fold is confirmed and undone."""

import re

import pytest

from tests.system.conftest import axe_violations
from tests.system.test_link_worker_journey import sign_in

pytestmark = pytest.mark.browser


def test_a_directory_editor_folds_a_duplicate_and_undoes_it(kith_server, page):
    sign_in(page, kith_server, "demo-editor")
    page.wait_for_url(re.compile(r"/workspace/$"))
    duplicates = page.locator("li", has=page.get_by_role("link", name="Possible duplicates"))
    assert "1 waiting" in duplicates.inner_text()
    problems = page.locator("li", has=page.get_by_role("link", name="Import problems"))
    assert "1 waiting" in problems.inner_text()
    page.get_by_role("link", name="Import problems").click()
    assert "the activity has no name" in page.content() and "read the source again" in page.content()
    assert axe_violations(page) == []

    page.goto(kith_server.url + "/imports/duplicates/")
    card = page.locator(".nhsuk-card", has_text="Volunteers sheet")
    folded_url = card.get_by_role("link", name="Manchester Libraries").last.get_attribute("href")
    card.get_by_role("link", name=re.compile("The same: fold into one")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Fold the two Manchester Libraries into one?"
    assert "1 listing" in page.content() and "demo:" not in page.content() and "csv:" not in page.content()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Fold into one").click()
    assert "Folded Manchester Libraries from Volunteers sheet into the one from Kith demo directory" in page.content()
    assert axe_violations(page) == []

    page.goto(kith_server.url + folded_url)  # the old address opens the kept organisation
    assert page.url != kith_server.url + folded_url and page.get_by_role("link", name="Reading Friends").count() == 1

    page.goto(kith_server.url + "/imports/duplicates/")
    page.get_by_role("button", name=re.compile("^Undo")).click()
    assert "is its own organisation again" in page.content()
    page.goto(kith_server.url + folded_url)
    assert page.url == kith_server.url + folded_url and "Reading Friends" in page.content()
