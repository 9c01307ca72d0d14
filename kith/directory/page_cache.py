"""Public search pages kept and served again while everything they show is unchanged.

A page is keyed by what it shows, not by when it was made: the query, the listings on it with each one's
stamp (the directory version it last changed at: columns.SearchIndex.stamp), the landmarks its map could
show, what "checked 3 days ago" would say now, and today's date. Checking one listing changes the key of
only the pages that show it, so nothing has to be thrown away and no request waits for anything. The
search itself still runs for every request (a few milliseconds); what a kept page saves is reading its
listings from the database and rendering them, most of a page's cost.

Pages are kept only for visitors who are not signed in, and only when something was found. They live in
the "pages" cache (files beside the database that every worker on the machine shares, or Redis when
KITH_REDIS_URL is set, shared by every server) for
at most KITH_PAGE_CACHE_SECONDS: the bound on how long a change that no listing carries (a ward renamed
by a new geography, a new release's wording) takes to show.
"""

import datetime as dt
import hashlib
import zlib
from importlib import metadata

import numpy as np
from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils import timezone

from kith.directory import maps
from kith.directory.presenters import ago_text

HEADER = "X-Kith-Cache"

try:
    RELEASE = metadata.version("kith")
except metadata.PackageNotFoundError:  # pragma: no cover - run from a checkout that was never installed
    RELEASE = "unreleased"


def key_for(request, context: dict, status: int, now) -> str | None:
    """The key of the search page this request would be given; None if the page must not be kept."""
    result = context.get("result")
    if (
        not settings.KITH_PAGE_CACHE_SECONDS
        or status != 200
        or request.user.is_authenticated
        or result is None
        or not result.total
        or result.page_rows is None
    ):
        return None
    index, rows = result.index, result.page_rows
    place = context.get("place")
    bounds = None
    if place:
        bounds = maps.bounds_around(place.lon, place.lat, context["form"].cleaned_data["radius"] * 1000)
    checked = index.checked_at[rows]
    parts = (
        RELEASE,
        settings.KITH_BASE_URL,  # in the page's "show this on your website" code
        sorted(request.GET.lists()),
        timezone.localdate(now).isoformat(),
        (result.total, result.access_unknown_left_out, result.unknown_left_out),
        (result.query.words, result.typed_words),
        index.service_id[rows].tobytes(),
        index.location_id[rows].tobytes(),
        index.stamp[rows].tobytes(),
        [ago_text(dt.datetime.fromtimestamp(c, tz=dt.UTC), now) for c in checked if not np.isnan(c)],
        maps.landmarks_stamp(index, bounds),
    )
    return "search:" + hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()


def kept(key: str | None) -> HttpResponse | None:
    """The page kept under `key`, as a response; None if there is none."""
    if key is None:
        return None
    packed = caches["pages"].get(key)
    if packed is None:
        return None
    response = HttpResponse(zlib.decompress(packed), content_type="text/html; charset=utf-8")
    response[HEADER] = "hit"
    return response


def keep(key: str | None, response: HttpResponse) -> HttpResponse:
    """Keep the page under `key` (if there is one) and say so on the response."""
    if key is not None and response.status_code == 200:
        # Compressed: a results page is tens of kilobytes of text that repeats, a few once compressed.
        caches["pages"].set(key, zlib.compress(response.content, 1))
        response[HEADER] = "miss"
    return response
