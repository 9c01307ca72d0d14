"""A real Kith for browser tests: a fresh database, `kith` commands, gunicorn on a free port."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest

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


def _sign_ins(printed: str) -> dict[str, dict]:
    """Username → password and recovery codes, read from what `kith demo-users` prints."""
    found = {}
    for match in re.finditer(r"username (\S+)\s+password (\S+)\n\s+key [A-Z0-9 ]+codes (.+)", printed):
        found[match.group(1)] = {"password": match.group(2), "codes": match.group(3).split()}
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_database(url: str):
    """Create a throwaway database on the server DATABASE_URL names; return its URL and a dropper."""
    import psycopg

    name = f"kith_system_{uuid.uuid4().hex[:8]}"
    base, _, _ = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", drop


@pytest.fixture(scope="session")
def kith_server(tmp_path_factory, chromium_path):
    """Base URL of a Kith served by `kith serve`, with geography and a seeded demo directory."""
    var = tmp_path_factory.mktemp("kith-system")
    env = {
        **os.environ,
        "KITH_VAR_DIR": str(var),
        "KITH_SECURE_COOKIES": "0",
        "KITH_SECRET_KEY": "system-test-secret-key-0123456789-abcdefgh",
        # The server runs on production settings, not the test run's.
        "DJANGO_SETTINGS_MODULE": "kith.config.settings",
    }
    env.pop("KITH_DEBUG", None)
    drop = None
    if env.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"], drop = _postgres_database(env["DATABASE_URL"])
    else:
        env.pop("DATABASE_URL", None)
    kith = [sys.executable, "-m", "kith.cli"]
    for args in (
        ["migrate"],
        ["load-geography", "--quiet"],
        ["demo-data", "--seed", "2026", "--services", "600", "--quiet"],
        ["demo-people", "--people", "40"],
        ["import", "csv", "docs/examples/activities.csv", "--name", "CSV example", "--quiet"],
        ["import", "rss", "docs/examples/newsletter.rss", "--name", "RSS example", "--quiet"],
        ["collectstatic"],
    ):
        subprocess.run([*kith, *args], env=env, cwd=REPO, check=True, capture_output=True)
    users = subprocess.run(
        [*kith, "demo-users", "--codes", "10"], env=env, cwd=REPO, check=True, capture_output=True, text=True
    )
    port = _free_port()
    server = subprocess.Popen(
        [*kith, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)
            break
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(server.stderr.read().decode()) from None
            time.sleep(0.1)
    yield SimpleNamespace(url=url, sign_ins=_sign_ins(users.stdout), mail=var / "mail")
    server.terminate()
    server.wait(timeout=10)
    if drop:
        drop()


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
