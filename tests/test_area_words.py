"""Nothing assumes Greater Manchester: pages, messages, the API, the CLI and the docs name the area a deployment
covers (`KITH_AREA_NAME`, or what it loaded), except where they speak of the demo, the shipped data or history."""

import re
from pathlib import Path

import pytest
from django.test import override_settings

REPO = Path(__file__).resolve().parent.parent
WORDS = "Greater Manchester"
# Where the words belong: the demo, the data Kith ships (and its notes and sources), the loader of those files,
# measurements made on them, and decision records, which are history.
ALLOWED = [
    r"(^|/)demo[^/]*\.py$", r"/demo/", r"/data/", r"SOURCES", r"/migrations/", r"^kith/geo/loader\.py$",
    r"^docs/data\.md$", r"^docs/benchmarks\.md$", r"^docs/walkthrough\.md$", r"^docs/adr/", r"^README\.md$",
]  # fmt: skip
# Sections of docs/cli.md about the demo and the shipped geography name them.
CLI_SECTIONS = re.compile(r"^## `kith (demo-[\w-]+|load-geography)`$")


def _texts():
    for pattern in ("kith/**/*.py", "kith/**/*.html", "kith/**/*.txt", "docs/**/*.md", "README.md"):
        for path in REPO.glob(pattern):
            relative = str(path.relative_to(REPO))
            if "__pycache__" not in relative and not any(re.search(a, relative) for a in ALLOWED):
                yield relative, path.read_text(encoding="utf-8")


def test_nothing_outside_the_demo_and_the_data_names_greater_manchester():
    found = []
    for relative, text in _texts():
        section = ""
        for number, line in enumerate(text.splitlines(), 1):
            if line.startswith("## "):
                section = line
            if WORDS in line and not (relative == "docs/cli.md" and CLI_SECTIONS.match(section)):
                found.append(f"{relative}:{number}: {line.strip()[:100]}")
    assert found == []


@pytest.mark.django_db
def test_a_deployment_names_its_own_area_on_pages_messages_and_the_api(client):
    from kith.geo.lookup import PlaceNotFound, find_postcode

    with override_settings(KITH_AREA_NAME="Bristol"):
        home = client.get("/").content.decode()
        assert "across Bristol" in home and WORDS not in home
        with pytest.raises(PlaceNotFound, match="Kith knows every postcode in Bristol"):
            find_postcode("ZZ9 9ZZ")
        assert "Areas of Bristol" in client.get("/areas/").content.decode()
    assert "across Greater Manchester" in client.get("/").content.decode()  # the loaded one, when not set
