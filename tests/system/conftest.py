"""A real Kith for browser tests: a fresh database, `kith` commands, gunicorn on a free port."""

from pathlib import Path

import pytest

from tests.live import kith_serving

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def kith_server(tmp_path_factory, chromium_path):
    """Base URL of a Kith served by `kith serve`, with geography and a seeded demo directory."""
    setup = [
        ["migrate"],
        ["load-geography", "--quiet"],
        ["demo-data", "--seed", "2026", "--services", "600", "--quiet"],
        ["demo-people", "--people", "40"],
        ["import", "csv", "docs/examples/activities.csv", "--name", "CSV example", "--quiet"],
        ["import", "rss", "docs/examples/newsletter.rss", "--name", "RSS example", "--quiet"],
        ["import", "csv", "docs/examples/volunteers.csv", "--name", "Volunteers sheet", "--quiet"],
        ["collectstatic"],
        ["demo-users", "--codes", "10"],
    ]
    env = {"KITH_SECURE_COOKIES": "0", "KITH_SECRET_KEY": "system-test-secret-key-0123456789-abcdefgh"}
    with kith_serving(tmp_path_factory.mktemp("kith-system"), env=env, setup=setup) as server:
        yield server


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.js_errors = errors
    yield page
    context.close()


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core in the page (evaluated, so the page's CSP stays as it is) and keep bad findings."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results["violations"]
        if v["impact"] in impacts
    ]
