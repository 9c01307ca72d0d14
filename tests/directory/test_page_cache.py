"""Public search pages are kept and served again only while everything they show is unchanged."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kith.directory import maps, page_cache, services
from kith.directory.models import Location
from kith.directory.search.index import refresh_now
from tests.directory.helpers import M9_4DH, add, listing, point_north

pytestmark = pytest.mark.django_db

WALKING = {"q": "walking", "near": "M9 4DH", "radius": "2"}


@pytest.fixture(autouse=True)
def kept_pages(settings):
    """A page cache of this test's own (the test settings turn it off, as tests reuse directory versions)."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-kept-pages"},
    }
    from django.core.cache import caches

    caches["pages"].clear()
    yield
    caches["pages"].clear()


def checked_now(service):
    services.record_check(service=service, checked_at=dt.datetime.now(dt.UTC), method="phoned", role="link worker")


def text(response) -> str:
    return response.content.decode().replace("\xa0", " ")


def test_the_same_search_is_served_again_and_costs_fewer_queries(anonymous):
    add(listing("Kept Page Walk", at=point_north(M9_4DH, 500)))
    refresh_now()
    with CaptureQueriesContext(connection) as made:
        first = anonymous.get("/search/", WALKING)
    with CaptureQueriesContext(connection) as served:
        again = anonymous.get("/search/", WALKING)
    assert first[page_cache.HEADER] == "miss" and again[page_cache.HEADER] == "hit"
    assert again.content == first.content and "Kept Page Walk" in text(again)
    assert again["Content-Type"] == "text/html; charset=utf-8"
    # Only the search is run again: the form's categories, the place, the directory's state.
    assert len(served) <= 4 < len(made), [q["sql"] for q in served.captured_queries]


def test_checking_a_listing_on_the_page_shows_at_once(anonymous):
    walk, _ = add(
        listing("Kept Page Checked", at=point_north(M9_4DH, 400), checked_days_ago=30),
        listing("Kept Page Other", at=point_north(M9_4DH, 900), checked_days_ago=30),
    )
    refresh_now()
    assert "checked 1 month ago" in text(anonymous.get("/search/", WALKING))
    checked_now(walk)
    after = anonymous.get("/search/", WALKING)
    assert after[page_cache.HEADER] == "miss"
    assert "checked just now" in text(after)


def test_a_change_to_a_listing_not_on_the_page_keeps_it(anonymous):
    add(listing("Kept Page Near", at=point_north(M9_4DH, 400)))
    (far,) = add(listing("Kept Page Far Choir", at=point_north(M9_4DH, 40_000), categories=("creative/singing",)))
    refresh_now()
    anonymous.get("/search/", WALKING)
    checked_now(far)
    assert anonymous.get("/search/", WALKING)[page_cache.HEADER] == "hit"


def test_a_listing_renamed_or_closed_is_never_shown_as_it_was(anonymous):
    walk, other = add(
        listing("Kept Page Renamed", at=point_north(M9_4DH, 300)),
        listing("Kept Page Closed", at=point_north(M9_4DH, 600)),
    )
    refresh_now()
    anonymous.get("/search/", WALKING)
    walk.name = "Kept Page Has A New Name"
    walk.save()
    services.services_changed(service_ids=[walk.pk])
    other.status = "inactive"
    other.save()
    services.services_changed(service_ids=[other.pk])
    html = text(anonymous.get("/search/", WALKING))
    assert "Kept Page Has A New Name</a>" in html and "Kept Page Renamed</a>" not in html
    assert "Kept Page Closed</a>" not in html


def test_a_new_listing_that_matches_changes_the_page(anonymous):
    add(listing("Kept Page First", at=point_north(M9_4DH, 300)))
    refresh_now()
    anonymous.get("/search/", WALKING)
    add(listing("Kept Page Newcomer", at=point_north(M9_4DH, 350)))
    after = anonymous.get("/search/", WALKING)
    assert after[page_cache.HEADER] == "miss" and "Kept Page Newcomer" in text(after)


def test_signed_in_staff_and_empty_searches_are_never_kept(anonymous, editor):
    add(listing("Kept Page Staff", at=point_north(M9_4DH, 300)))
    refresh_now()
    anonymous.get("/search/", WALKING)
    staff = editor.get("/search/", WALKING)
    assert page_cache.HEADER not in staff and "Sign out" in text(staff)
    nothing = {"q": "underwater basket weaving", "near": "M9 4DH", "radius": "0.5"}
    for _ in range(2):
        response = anonymous.get("/search/", nothing)
        assert page_cache.HEADER not in response and "Nothing found" in text(response)
    bad = anonymous.get("/search/", {"near": "not a postcode at all"})
    assert bad.status_code == 400 and page_cache.HEADER not in bad


def test_the_key_follows_the_clock_only_where_the_page_does(anonymous, rf):
    from django.contrib.auth.models import AnonymousUser

    from kith.directory.views import _find

    (walk,) = add(listing("Kept Page Clock", at=point_north(M9_4DH, 300), checked_days_ago=None))
    checked_now(walk)
    refresh_now()
    request = rf.get("/search/", WALKING)
    request.user = AnonymousUser()
    context, status = _find(request, per_page=20)
    now = context["now"]

    def key(at):
        return page_cache.key_for(request, context, status, at)

    assert key(now) == key(now + dt.timedelta(seconds=60))  # "checked just now" either way
    assert key(now) != key(now + dt.timedelta(minutes=5))  # "just now" has become "today"
    assert key(now) != key(now + dt.timedelta(days=1))


def test_a_landmark_changing_in_the_maps_box_changes_the_key():
    add(listing("Kept Page Walk Landmark", at=point_north(M9_4DH, 300)))
    index = refresh_now()
    assert index.landmark.any(), "the test directory has landmarks (libraries, parks)"
    row = int(index.landmark.nonzero()[0][0])
    box = maps.bounds_around(float(index.lon[row]), float(index.lat[row]), 500)
    before = maps.landmarks_stamp(index, box)
    location = Location.objects.get(pk=int(index.location_id[row]))
    location.name = location.name + " (renamed)"
    location.save()
    services.services_changed(service_ids=services.services_at_locations([location.pk]))
    after = refresh_now()
    assert maps.landmarks_stamp(after, box) > before
    far_box = maps.bounds_around(-3.5, 51.0, 500)  # Somerset: no landmarks of this directory
    assert maps.landmarks_stamp(after, far_box) == 0


def test_a_restore_forgets_every_kept_page(monkeypatch, tmp_path):
    from django.core.cache import caches

    from kith.core import backup

    caches["pages"].set("search:kept", b"a page")
    monkeypatch.setattr(backup, "_restore", lambda path: None)  # the restore itself: tests/test_backup.py
    backup.restore(tmp_path / "backup.sqlite3")
    assert caches["pages"].get("search:kept") is None
