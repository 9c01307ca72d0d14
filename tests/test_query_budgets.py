"""Every list, feed and download costs a fixed number of queries, however many listings it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.directory.helpers import M9_4DH, add, listing, point_north
from tests.personas import build_world, sign_in

pytestmark = pytest.mark.django_db
NEAR = "near=M9+4DH"
# (address, who reads it, most queries it may take). The budgets are today's counts with a little room:
# a change that adds a query per row fails the "does not grow" check long before it reaches them.
PAGES = [
    (f"/search/?q=budget&{NEAR}", None, 18),
    (f"/search/print/?q=budget&{NEAR}", None, 20),
    (f"/search.csv?q=budget&{NEAR}", None, 16),
    (f"/feeds/listings.geojson?{NEAR}", None, 10),
    (f"/feeds/events.ics?{NEAR}", None, 10),
    (f"/feeds/listings.rss?{NEAR}", None, 6),
    (f"/feeds/listings.atom?{NEAR}", None, 6),
    (f"/embed/whats-on/?{NEAR}", None, 10),
    ("/whats-on/?area=E05011366", None, 14),
    ("/whats-on/newsletter/?area=E05011366", None, 14),
    ("/areas/E05011366/", None, 16),
    ("/api/oruk/services?per_page=100", None, 16),
    ("/api/oruk/service_at_locations?per_page=100&postcode=M9+4DH&proximity=3000", None, 16),
    ("/api/oruk/organizations?per_page=100", None, 6),
    ("/listings/review/?ward=E05011366", "link_worker", 24),
    ("/listings/freshness/", "link_worker", 24),
    ("/imports/", "link_worker", 20),
]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@pytest.mark.parametrize(("url", "persona", "budget"), PAGES, ids=[p[0] for p in PAGES])
def test_queries_do_not_grow_with_listings_and_stay_in_budget(client, url, persona, budget):
    world = build_world()
    if persona:
        world.link_worker.profile.neighbourhoods.add("E05011366")
        sign_in(client, getattr(world, persona))

    def more(start, n):
        # Never checked, so they are also in the review queue and the freshness counts.
        add(*[listing(f"Budget Walk {i}", at=point_north(M9_4DH, 60 * i), key=f"test:b{i}", checked_days_ago=None)
              for i in range(start, n)])  # fmt: skip

    more(0, 3)
    _count(client, url)  # caches (search index, gap report) are built once, not per request
    few = _count(client, url)
    more(3, 15)
    _count(client, url)
    many = _count(client, url)
    assert many == few, f"{url}: {few} queries for 3 listings, {many} for 15"
    assert many <= budget, f"{url}: {many} queries, budget {budget}"
