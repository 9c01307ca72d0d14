"""Shared fixtures: the real geography and a small demo directory, loaded once per test database."""

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REFERENCE = Path(os.environ.get("KITH_REFERENCE_DIR") or REPO.parent / "shared" / "reference")
DEMO_SEED = 7
DEMO_GENERATED = 400


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """../shared/reference: required in CI, skipped (and said so) in a lone clone."""
    if (REFERENCE / "README.md").is_file():
        return REFERENCE
    if _flag("KITH_REQUIRE_REFERENCE"):
        pytest.fail(f"KITH_REQUIRE_REFERENCE is set but {REFERENCE} is missing.")
    pytest.skip(f"reference data not found at {REFERENCE} (set KITH_REFERENCE_DIR)")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("KITH_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if _flag("KITH_REQUIRE_BROWSER"):
        pytest.fail("KITH_REQUIRE_BROWSER is set but no Chromium was found (apt-get install chromium).")
    pytest.skip("browser test skipped: no Chromium found (install Debian's chromium or set KITH_CHROMIUM)")


@pytest.fixture(scope="session", autouse=True)
def area_names_kept_until_forgotten():
    """The loaded area's names are read again each minute in a server; in tests only when a load forgets them,
    so that a page's query count does not depend on how long the run has taken."""
    from kith.geo import coverage

    coverage.READ_AGAIN_SECONDS = float("inf")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database with Greater Manchester loaded and a small seeded demo directory."""
    from kith.feeds.demo import build_demo_directory
    from kith.geo.loader import load_geography

    with django_db_blocker.unblock():
        load_geography()
        build_demo_directory(seed=DEMO_SEED, generated=DEMO_GENERATED)


@pytest.fixture
def anonymous(client):
    return client


def _demo_sign_in(client, username):
    from django.contrib.auth import get_user_model

    from kith.accounts.demo import ensure_demo_users
    from tests.personas import PASSWORD, sign_in

    ensure_demo_users()
    user = get_user_model().objects.get(username=username)
    user.set_password(PASSWORD)
    user.save()
    sign_in(client, user)
    return client


@pytest.fixture
def editor(db, client):
    return _demo_sign_in(client, "demo-editor")


@pytest.fixture
def administrator(db, client):
    return _demo_sign_in(client, "demo-admin")


def pytest_terminal_summary(terminalreporter):
    skipped = terminalreporter.stats.get("skipped", [])
    reasons = {str(getattr(report, "longrepr", ""))[-200:] for report in skipped}
    if any("browser test skipped" in r for r in reasons):
        terminalreporter.write_line(
            "BROWSER TESTS WERE SKIPPED: no Chromium here. CI installs it and makes them required.", yellow=True
        )
    if any("reference data not found" in r for r in reasons):
        terminalreporter.write_line(
            "REFERENCE-DATA TESTS WERE SKIPPED: ../shared/reference is missing. CI makes them required.",
            yellow=True,
        )
