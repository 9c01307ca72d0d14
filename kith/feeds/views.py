"""Feeds out: what's on as iCalendar, new and changed listings as RSS/Atom, GeoJSON, CSV and an embed."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from kith.directory.forms import SearchForm
from kith.directory.models import Service, TaxonomyTerm
from kith.directory.search.engine import SearchQuery, search
from kith.directory.views import _run_search
from kith.feeds import syndication
from kith.feeds.models import NewsItem
from kith.geo.lookup import PlaceNotFound, find_place
from kith.geo.models import Area, AreaLevel

FEED_LIMIT = 500
CACHE = {"public": True, "max_age": 600}


class BadFeedQuery(ValueError):
    pass


def query_from_request(request, *, limit: int = FEED_LIMIT) -> SearchQuery:
    """area= (a code), near= (a postcode or place) and category= for every feed, checked."""
    area = category = place = None
    if code := request.GET.get("area"):
        area = (
            Area.objects.without_geometry()
            .filter(code=code.upper()[:9], level__in=[AreaLevel.LOCAL_AUTHORITY, AreaLevel.WARD, AreaLevel.LSOA])
            .first()
        )
        if area is None:
            raise BadFeedQuery("Unknown area: use a local authority, ward or LSOA code such as E05011366.")
    if code := request.GET.get("category"):
        if not TaxonomyTerm.objects.what_matters().filter(code=code).exists():
            raise BadFeedQuery("Unknown category: use a 'what matters' code such as active.")
        category = code
    if near := request.GET.get("near"):
        try:
            place = find_place(near[:60])
        except PlaceNotFound as error:
            raise BadFeedQuery(str(error)) from None
    return SearchQuery(
        area=area,
        category=category or "",
        place=place,
        radius_km=3.0 if place else 2.0,
        sort="distance" if place else "relevance",
        per_page=limit,
    )


def _bad(error) -> HttpResponse:
    return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")


def _base(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@require_GET
@cache_control(**CACHE)
def events_ics(request):
    try:
        hits = search(query_from_request(request)).hits
    except BadFeedQuery as error:
        return _bad(error)
    body = syndication.calendar(hits, site=settings.KITH_SITE_NAME, base_url=_base(request), today=timezone.localdate())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="kith-whats-on.ics"'
    return response


@require_GET
@cache_control(**CACHE)
def listings_geojson(request):
    try:
        hits = search(query_from_request(request, limit=5000)).hits
    except BadFeedQuery as error:
        return JsonResponse({"error": str(error)}, status=400)
    response = JsonResponse(syndication.geojson(hits, base_url=_base(request)), content_type="application/geo+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@cache_control(**CACHE)
def search_csv(request):
    """The directory search as CSV: the same parameters and checks as the search page."""
    context, status = _run_search(request, per_page=FEED_LIMIT)
    if status != 200 or "result" not in context:
        form: SearchForm = context["form"]
        messages = [str(e) for errors in form.errors.values() for e in errors] or [
            "Give a search: q=, near= or category="
        ]
        return _bad(" ".join(messages))
    hits = context["result"].hits  # the page's own search, not a second one
    response = HttpResponse(
        syndication.search_csv(hits, base_url=_base(request)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="kith-search.csv"'
    return response


class ListingsFeed(Feed):
    """New and changed listings, newest first."""

    title = "New and changed listings"
    description = "Groups, activities and places added or changed in the directory."

    def get_object(self, request):
        self.request = request
        return query_from_request(request, limit=50)

    def link(self):
        return "/search/"

    def items(self, query):
        services = Service.objects.active().select_related("organisation").order_by("-updated_at")
        if query.area is not None:
            field = {AreaLevel.LOCAL_AUTHORITY: "local_authority", AreaLevel.WARD: "ward", AreaLevel.LSOA: "lsoa"}[
                query.area.level
            ]
            services = services.filter(**{f"service_at_locations__location__{field}": query.area.code})
        if query.category:
            ids = [
                h.service.pk for h in search(SearchQuery(category=query.category, area=query.area, per_page=5000)).hits
            ]
            services = services.filter(pk__in=ids)
        return list(services.distinct()[:50])

    def item_title(self, item):
        return item.name

    def item_description(self, item):
        return f"{item.organisation.name}. {item.description}"

    def item_link(self, item):
        return f"/services/{item.uuid}/"

    def item_guid(self, item):
        return f"urn:uuid:{item.uuid}"

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at


class ListingsAtom(ListingsFeed):
    feed_type = Atom1Feed
    subtitle = ListingsFeed.description


def _feed(feed_class):
    view = feed_class()

    @require_GET
    @cache_control(**CACHE)
    def serve(request):
        try:
            return view(request)
        except BadFeedQuery as error:
            return _bad(error)

    return serve


listings_rss = _feed(ListingsFeed)
listings_atom = _feed(ListingsAtom)


@require_GET
def news(request):
    """Newsletter items that are not events, newest first."""
    items = (
        NewsItem.objects.filter(active=True)
        .select_related("source")
        .order_by(F("published_at").desc(nulls_last=True), "-id")
    )
    page = Paginator(items, 20).get_page(request.GET.get("page"))
    return render(request, "feeds/news.html", {"page": page})


@require_GET
@xframe_options_exempt
@cache_control(**CACHE)
def embed(request):
    """What's on near a place, for a GP or library website to show in a frame; no script needed."""
    try:
        query = query_from_request(request, limit=10)
    except BadFeedQuery as error:
        return _bad(error)
    if query.place is None and query.area is None:
        return _bad("Say where: near= a postcode or place name, or area= a ward code.")
    try:
        limit = max(1, min(int(request.GET.get("limit", 5)), 10))
    except ValueError:
        return _bad("limit must be a whole number from 1 to 10.")
    hits = search(query).hits[:limit]
    from kith.directory.presenters import result_row

    response = render(
        request,
        "feeds/embed.html",
        {
            "rows": [result_row(h, query=query) for h in hits],
            "query": query,
            "where": f"near {query.place.label}" if query.place else f"in {query.area.name}",
            "more": f"/search/?{request.GET.urlencode()}",
        },
    )
    # Any site may frame this page: it holds only public listings.
    response["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; frame-ancestors *"
    )
    return response
