"""The documentation's own links and pictures lead somewhere: every relative link in README.md and docs/."""

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PAGES = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_relative_links_lead_to_files(page):
    missing = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue  # web addresses, mail, anchors within the page
        path = (page.parent / target.split("#", 1)[0]).resolve()
        if not path.exists():
            missing.append(target)
    assert missing == []


def test_every_walkthrough_picture_is_shown_in_the_walkthrough():
    text = (REPO / "docs" / "walkthrough.md").read_text(encoding="utf-8")
    pictures = {p.name for p in (REPO / "docs" / "walkthrough").glob("*.png")}
    shown = set(re.findall(r"\(walkthrough/([^)]+\.png)\)", text))
    assert pictures and shown == pictures
