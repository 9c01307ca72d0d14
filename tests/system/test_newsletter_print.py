"""The printable newsletter fits one sheet of A4, printed by Chromium, for the busiest ward."""

import re

import pytest

pytestmark = pytest.mark.browser
WARDS = ["E05011366", "E05011373", "E05011355", "E05011356", "E05011360", "E05011367"]  # the demo team's


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_the_newsletter_prints_on_one_sheet_of_a4(kith_server, page):
    counts = {}
    for ward in WARDS:
        page.goto(f"{kith_server.url}/whats-on/newsletter/?area={ward}")
        sessions = page.locator(".kith-newsletter__day li").count()
        counts[ward] = (sessions, _pages(page.pdf(format="A4", print_background=True)))
    busiest = max(counts, key=lambda w: counts[w][0])
    assert counts[busiest][0] >= 10, counts  # a busy ward really was printed
    assert {ward: pages for ward, (_, pages) in counts.items() if pages != 1} == {}, counts
