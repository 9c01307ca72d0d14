"""The Open Referral UK 3.0 API: open GET endpoints, CORS *, the ORUK page object.

Plain Django views: the response shapes are the ORUK schemas themselves (data/oruk), which the
OpenAPI document embeds and the tests validate against, so there is no second model of them.
Bad parameters get a 400 with a message; unknown ids a 404.
"""

import datetime as dt
import math
import uuid

import numpy as np
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET

from kith.core.memory import freeze_long_lived
from kith.directory.models import Attribute, Organisation, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from kith.directory.schedules import DAY_CODES
from kith.directory.search import engine
from kith.directory.search.engine import DEFAULT_RADIUS_KM, SearchQuery
from kith.directory.search.index import current_token
from kith.feeds import hsds
from kith.feeds.openapi import openapi_document
from kith.geo.distance import bounding_box, haversine_m
from kith.geo.lookup import Place, PlaceNotFound, find_postcode

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 50
PROFILE = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"


class BadParameter(ValueError):
    pass


def _json(data, status=200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(message: str, status: int) -> JsonResponse:
    return _json({"error": message}, status=status)


def open_endpoint(view):
    """GET only, CORS *, and parameter errors as 400s with words."""

    @require_GET
    def wrapped(request, *args, **kwargs):
        if any("\x00" in value for values in request.GET.lists() for value in [values[0], *values[1]]):
            return _error("Parameters must not contain NUL characters.", 400)
        try:
            return view(request, *args, **kwargs)
        except BadParameter as error:
            return _error(str(error), 400)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _int(request, name, default, low, high) -> int:
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(f"{name} must be a whole number from {low} to {high}.") from None
    if not low <= value <= high:
        raise BadParameter(f"{name} must be from {low} to {high}.")
    return value


def _uuid(value: str, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        raise BadParameter(f"{name} must be a UUID.") from None


def _page(request, total: int) -> tuple[int, int, dict]:
    page = _int(request, "page", 1, 1, 1_000_000)
    per_page = _int(request, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    pages = max(1, math.ceil(total / per_page))
    meta = {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "first_page": page == 1,
        "last_page": page >= pages,
    }
    return (page - 1) * per_page, per_page, meta


def _paged(meta: dict, contents: list) -> dict:
    return {**meta, "size": len(contents), "empty": not contents, "contents": contents}


@open_endpoint
def api_details(request):
    return _json(
        {"version": "3.0", "profile": PROFILE, "openapi_url": request.build_absolute_uri("/api/oruk/openapi.json")}
    )


@open_endpoint
def openapi(request):
    return _json(openapi_document())


def _service_ids(request):
    """Services matching the ORUK query parameters: an ordered queryset to page in the database,
    or, when words or a postcode decide the set or the order, an ordered list of ids from the directory's
    one search (its reading of words, end-date rule and ranking; nearest first for a postcode alone)."""
    services = Service.objects.all()
    search = request.GET.get("search", "").strip()
    if len(search) > 200:
        raise BadParameter("search must be at most 200 characters.")
    if term := request.GET.get("taxonomy_term_id"):
        term_id = _uuid(term, "taxonomy_term_id")
        services = services.filter(
            uuid__in=Attribute.objects.filter(link_entity="service", taxonomy_term__uuid=term_id).values("link_id")
        )
    if taxonomy := request.GET.get("taxonomy_id"):
        taxonomy_id = _uuid(taxonomy, "taxonomy_id")
        services = services.filter(
            uuid__in=Attribute.objects.filter(link_entity="service", taxonomy_term__taxonomy__uuid=taxonomy_id).values(
                "link_id"
            )
        )
    if organisation := request.GET.get("organization_id"):
        services = services.filter(organisation__uuid=_uuid(organisation, "organization_id"))
    minimum = _int(request, "minimum_age", None, 0, 150)
    maximum = _int(request, "maximum_age", None, 0, 150)
    if minimum is not None:  # serves people this old or older: no upper limit below it
        services = services.filter(Q(maximum_age__isnull=True) | Q(maximum_age__gte=minimum))
    if maximum is not None:
        services = services.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=maximum))
    if modified := request.GET.get("modified_after"):
        try:
            when = parse_datetime(modified) if "T" in modified or " " in modified else None
        except ValueError:
            raise BadParameter("modified_after must be an ISO 8601 date or date-time.") from None
        if when is None:
            try:
                when = dt.datetime.combine(dt.date.fromisoformat(modified), dt.time())
            except ValueError:
                raise BadParameter("modified_after must be an ISO 8601 date or date-time.") from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        try:
            # In UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows ("-17:15").
            when = when.astimezone(dt.UTC)
        except OverflowError:
            raise BadParameter("modified_after is outside the years a date-time can have.") from None
        services = services.filter(updated_at__gte=when)
    day = request.GET.get("day", "").upper()[:2]
    start, end = request.GET.get("start_time"), request.GET.get("end_time")
    if day or start or end:
        if day and day not in DAY_CODES:
            raise BadParameter("day must be one of MO, TU, WE, TH, FR, SA, SU (or a day name).")
        schedules = Q()
        if day:
            schedules &= Q(schedules__byday__contains=day)
        for name, value, lookup in [
            ("start_time", start, "schedules__closes_at__gt"),
            ("end_time", end, "schedules__opens_at__lt"),
        ]:
            if value:
                try:
                    schedules &= Q(**{lookup: dt.time.fromisoformat(value)})
                except ValueError:
                    raise BadParameter(f"{name} must be a time such as 09:30.") from None
        services = services.filter(schedules).distinct()
    near = _near_point(request)
    if not search and near is None:
        if services.query.where:
            return services.order_by("name", "id")
        return ordered_ids()  # no filters: every service, by name, kept in memory per directory state
    place = Place(label=request.GET["postcode"], lon=near[0], lat=near[1]) if near else None
    query = SearchQuery(
        words=search,
        place=place,
        radius_km=near[2] / 1000 if near else DEFAULT_RADIUS_KM,
        sort="relevance" if search else "distance",
    )
    ids = engine.service_ids(query)
    if services.query.where:
        allowed = set(services.values_list("id", flat=True))
        ids = [i for i in ids if i in allowed]
    return ids


def _near_point(request) -> tuple[float, float, float] | None:
    """(longitude, latitude, metres) from `postcode` and `proximity`, or None without a postcode."""
    postcode = request.GET.get("postcode")
    if not postcode:
        return None
    try:
        point = find_postcode(postcode)
    except PlaceNotFound as error:
        raise BadParameter(str(error)) from None
    proximity = request.GET.get("proximity")
    try:
        radius = float(proximity) if proximity else 5000.0
    except ValueError:
        raise BadParameter("proximity must be a distance in metres.") from None
    if not 0 < radius <= 100_000 or not math.isfinite(radius):
        raise BadParameter("proximity must be more than 0 and at most 100,000 metres.")
    return point.lon, point.lat, radius


_ordered: dict[str, list[int]] = {}
IN_LIMIT = 2000  # ids in one SQL IN (...); beyond it, filter in memory


def ordered_ids() -> list[int]:
    """Every service id in name order, read once per directory state (deep pages stay fast)."""
    token = current_token()
    if token not in _ordered:
        _ordered.clear()
        _ordered[token] = list(Service.objects.order_by("name", "id").values_list("id", flat=True))
        freeze_long_lived()
    return _ordered[token]


@open_endpoint
def services(request):
    found = _service_ids(request)
    if isinstance(found, list):
        offset, per_page, meta = _page(request, len(found))
        page_ids = found[offset : offset + per_page]
    else:
        offset, per_page, meta = _page(request, found.count())
        page_ids = list(found.values_list("id", flat=True)[offset : offset + per_page])
    page = hsds.load_services(page_ids)
    attributes = hsds.attributes_by_service(page)
    return _json(_paged(meta, [hsds.service(s, attributes=attributes[s.uuid]) for s in page]))


@open_endpoint
def service(request, id):
    found = Service.objects.filter(uuid=_uuid(id, "id")).values_list("id", flat=True).first()
    if found is None:
        return _error("No service has that id.", 404)
    (record,) = hsds.load_services([found])
    return _json(hsds.service(record, attributes=hsds.attributes_by_service([record])[record.uuid]))


def _placements():
    return ServiceAtLocation.objects.select_related("service__organisation", "location").prefetch_related(
        "location__addresses__location",
        "location__accessibility",
        "service__schedules",
        "service__service_areas",
        "service__languages",
        "service__cost_options",
        "service__contacts",
    )


@open_endpoint
def service_at_locations(request):
    """Every parameter /services takes, over services at their places: with a postcode, each place within
    reach, nearest first; otherwise in a stable order."""
    found = _service_ids(request)
    placements = ServiceAtLocation.objects.all()
    wanted = None
    if not isinstance(found, list):
        placements = placements.filter(service_id__in=found.values("id"))
    elif found is not ordered_ids():  # every service needs no filter
        if len(found) <= IN_LIMIT:
            placements = placements.filter(service_id__in=found)
        else:  # many words' worth of services: a set in memory, not tens of thousands of SQL parameters
            wanted = set(found)
    if near := _near_point(request):
        ids = _placements_near(placements, *near, wanted=wanted)
    else:
        rows = placements.order_by("id").values_list("id", "service_id")
        ids = [pk for pk, service_id in rows if wanted is None or service_id in wanted]
    offset, per_page, meta = _page(request, len(ids))
    chosen = ids[offset : offset + per_page]
    page = {p.id: p for p in _placements().filter(id__in=chosen)}
    return _json(_paged(meta, [hsds.service_at_location(page[i]) for i in chosen]))


def _placements_near(placements, lon: float, lat: float, radius: float, *, wanted=None) -> list[int]:
    """Of these placements (of `wanted` services, when given), those within radius metres, nearest first."""
    min_lon, min_lat, max_lon, max_lat = bounding_box(lon, lat, radius)
    rows = [
        (pk, x, y)
        for pk, service_id, x, y in placements.filter(
            location__longitude__range=(min_lon, max_lon), location__latitude__range=(min_lat, max_lat)
        ).values_list("id", "service_id", "location__longitude", "location__latitude")
        if wanted is None or service_id in wanted
    ]
    if not rows:
        return []
    ids, lons, lats = (np.array(column, dtype=float) for column in zip(*rows, strict=True))
    distance = haversine_m(lon, lat, lons, lats)
    keep = np.flatnonzero(distance <= radius)
    order = keep[np.lexsort((ids[keep], distance[keep]))]
    return [int(i) for i in ids[order]]


@open_endpoint
def service_at_location(request, id):
    placement = _placements().filter(uuid=_uuid(id, "id")).first()
    if placement is None:
        return _error("No service at location has that id.", 404)
    return _json(hsds.service_at_location(placement, with_service=True))


@open_endpoint
def organizations(request):
    organisations = Organisation.objects.filter(folded_into__isnull=True).select_related("parent")
    if search := request.GET.get("search", "").strip():
        organisations = organisations.filter(name__icontains=search[:200])
    total = organisations.count()
    offset, per_page, meta = _page(request, total)
    page = organisations.order_by("name", "id")[offset : offset + per_page]
    return _json(_paged(meta, [hsds.organization(o) for o in page]))


@open_endpoint
def organization(request, id):
    found = Organisation.objects.select_related("parent", "folded_into").filter(uuid=_uuid(id, "id")).first()
    if found is None:
        return _error("No organization has that id.", 404)
    if found.folded_into is not None:  # the same organisation as another: that record answers for it now
        return redirect("oruk:organization", id=found.folded_into.uuid)  # 302: a fold can be undone
    record = hsds.organization(found)
    ids = list(found.services.order_by("name").values_list("id", flat=True)[:500])
    services_ = hsds.load_services(ids)
    attributes = hsds.attributes_by_service(services_)
    record["services"] = [hsds.service(s, attributes=attributes[s.uuid]) for s in services_]
    return _json(record)


@open_endpoint
def taxonomies(request):
    found = Taxonomy.objects.order_by("name")
    if search := request.GET.get("search", "").strip():
        found = found.filter(name__icontains=search[:200])
    offset, per_page, meta = _page(request, found.count())
    return _json(_paged(meta, [hsds.taxonomy(t) for t in found[offset : offset + per_page]]))


@open_endpoint
def taxonomy(request, id):
    found = Taxonomy.objects.filter(uuid=_uuid(id, "id")).first()
    if found is None:
        return _error("No taxonomy has that id.", 404)
    return _json(hsds.taxonomy(found))


@open_endpoint
def taxonomy_terms(request):
    terms = TaxonomyTerm.objects.select_related("taxonomy", "parent").order_by("taxonomy__name", "position", "name")
    if search := request.GET.get("search", "").strip():
        terms = terms.filter(name__icontains=search[:200])
    if taxonomy_id := request.GET.get("taxonomy_id"):
        terms = terms.filter(taxonomy__uuid=_uuid(taxonomy_id, "taxonomy_id"))
    offset, per_page, meta = _page(request, terms.count())
    return _json(_paged(meta, [hsds.taxonomy_term(t) for t in terms[offset : offset + per_page]]))


@open_endpoint
def taxonomy_term(request, id):
    found = TaxonomyTerm.objects.select_related("taxonomy", "parent").filter(uuid=_uuid(id, "id")).first()
    if found is None:
        return _error("No taxonomy term has that id.", 404)
    return _json(hsds.taxonomy_term(found))
