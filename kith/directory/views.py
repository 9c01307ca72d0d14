"""Public directory pages: thin views over the search engine and presenters."""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from kith.directory import extensions, maps, page_cache
from kith.directory.forms import MAX_QUERY_STRING, RADIUS_CHOICES, SearchForm
from kith.directory.models import (
    Address,
    Attribute,
    ListingCheck,
    Organisation,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
)
from kith.directory.presenters import checked_text, cost_text, result_row, when_text
from kith.directory.public import public_places
from kith.directory.search.engine import DEFAULT_RADIUS_KM, SearchQuery, area_category_counts, find, with_hits
from kith.directory.search.meaning import words_of
from kith.directory.search.ways_out import FILTERS, ways_out
from kith.geo.deprivation import deprivation_summary
from kith.geo.lookup import PlaceNotFound, find_place
from kith.geo.models import Area, AreaLevel


def _categories():
    return list(TaxonomyTerm.objects.what_matters().values_list("code", "name"))


def home(request):
    form = SearchForm(categories=_categories())
    return render(request, "directory/home.html", {"form": form, "categories": _categories()})


def _run_search(request, *, per_page: int):
    """(context, status) for the search pages: a 400 with words for any bad input."""
    context, status = _find(request, per_page=per_page)
    if "result" in context:
        _with_listings(request, context)
    return context, status


def _find(request, *, per_page: int):
    """(context, status) with what the search found, before its page's listings are read (_with_listings)."""
    categories = _categories()
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
        form = SearchForm(categories=categories)
        form.is_valid()
        return {"form": form, "too_long": True}, 400
    data = request.GET.copy()
    if data and not data.get("radius"):
        data["radius"] = f"{DEFAULT_RADIUS_KM:g}"  # shown in the form, so people see what was used
    form = SearchForm(data or None, categories=categories)
    if not request.GET:
        return {"form": form, "empty": True}, 200
    if not form.is_valid():
        return {"form": form}, 400
    data = form.cleaned_data
    place = area = None
    if data["near"]:
        try:
            place = find_place(data["near"])
        except PlaceNotFound as error:
            form.add_error("near", str(error))
            return {"form": form}, 400
    if data["area"]:
        area = Area.objects.without_geometry().filter(code=data["area"].upper()).first()
        if area is None:
            form.add_error(None, "We do not know that area. Choose one from the list of areas.")
            return {"form": form}, 400
    query = SearchQuery(
        words=data["q"],
        place=place,
        radius_km=data["radius"],
        category=data["category"],
        day=data["day"],
        open_now=data["open_now"],
        free=data["free"],
        age=data["age"],
        step_free=data["step_free"],
        access_unknown_too=data["step_free"] and data["access_unknown"],
        unknown_too=data["unknown"],
        area=area,
        sort=data["sort"],
        page=data["page"],
        per_page=per_page,
    )
    now = timezone.now()
    result = find(query, now=now, as_typed=request.GET.get("as_typed") == "1")
    return {"form": form, "result": result, "place": place, "area": area, "now": now}, 200


def _with_listings(request, context: dict) -> None:
    """Add the page's listings, its map and its links to a found search's context."""
    form, result, place, area, now = (context[k] for k in ("form", "result", "place", "area", "now"))
    data, query = form.cleaned_data, result.query
    with_hits(result)
    rows = [result_row(hit, query=query, now=now, meaning=result.meaning) for hit in result.hits]
    outline_area = area or (place.area if place and place.area else None)
    if outline_area is None and place and place.ward_code:
        outline_area = Area.objects.without_geometry().filter(code=place.ward_code).first()
    map_data = {
        "markers": [{"name": r.name, "lon": r.lon, "lat": r.lat, "url": f"/services/{r.uuid}/"} for r in rows if r.lon],
        "centre": [place.lon, place.lat] if place else None,
        "centre_name": place.label if place else "",
        "radius_m": data["radius"] * 1000 if place else None,
        # Simplified and kept per process, as the neighbours' are: a ward's full boundary is tens of kilobytes.
        "outline": maps.outlines([outline_area.code]).get(outline_area.code) if outline_area else None,
        "outline_name": outline_area.name if outline_area else "",
        "tiles": settings.KITH_MAP_TILES_URL,
        "attribution": settings.KITH_MAP_TILES_ATTRIBUTION,
    }
    if rows:  # something to orient by, without a base map: the wards around and landmarks
        if place:
            bounds = maps.bounds_around(place.lon, place.lat, data["radius"] * 1000)
        else:
            lons, lats = [r.lon for r in rows if r.lon], [r.lat for r in rows if r.lat]
            bounds = (min(lons), min(lats), max(lons), max(lats)) if lons else None
        if bounds:
            map_data.update(maps.orientation(bounds, leave_out=outline_area.code if outline_area else ""))
    params = request.GET.copy()
    params.pop("page", None)
    # What another website can show in a frame: the same place and want, without the finer filters.
    embed = {"near": data["near"] if place else "", "area": area.code if area else "", "category": data["category"]}
    embed_query = urlencode({k: v for k, v in embed.items() if v}) if place or area else ""
    embed_where = f"near {place.label}" if place else f"in {area.name}" if area else ""
    with_unknown = params.copy()
    with_unknown["access_unknown"] = "1"
    with_unknown_details = params.copy()
    with_unknown_details["unknown"] = "1"
    as_typed = params.copy()
    as_typed["as_typed"] = "1"
    ways = []
    if not result.total:
        for way in ways_out(result.index, result.query, now=now, names=dict(_categories())):
            changed = params.copy()
            for key, value in way.changes.items():
                changed.pop(key, None)
                if value is not None:
                    changed[key] = value
            ways.append({"label": way.label, "count": way.count, "query": changed.urlencode()})
    context.update(
        {
            "rows": rows,
            "notices": form.notices,
            "map_data": map_data,
            "outline_area": outline_area,
            "query_params": params.urlencode(),
            "embed_query": embed_query,
            "embed_where": embed_where,
            "with_unknown_params": with_unknown.urlencode(),
            "with_unknown_details_params": with_unknown_details.urlencode(),
            "unknown_details": _unknown_details(query),
            "as_typed_params": as_typed.urlencode(),
            "misspelt": _misspelt(result),
            "ways_out": ways,
            "why_nothing": _why_nothing(result.query) if not result.total else "",
            "radius_choices": RADIUS_CHOICES,
            "page_beyond_end": result.total and data["page"] > result.pages,
            "first_number": (data["page"] - 1) * query.per_page + 1,
        }
    )


def _misspelt(result) -> str:
    """The words as typed that were read as others, quoted: “waking”."""
    if not result.typed_words:
        return ""
    read = set(words_of(result.query.words))
    return " and ".join(f"“{w}”" for w in dict.fromkeys(words_of(result.typed_words)) if w not in read)


def _unknown_details(query: SearchQuery) -> str:
    """What the filters asked that some listings do not say, in words."""
    asked = ["what they cost"] if query.free else []
    if query.day is not None or query.open_now:
        asked.append("when they run")
    return " or ".join(asked)


def _why_nothing(query: SearchQuery) -> str:
    """What the empty search asked for, in words: which words, filters and distance found nothing together."""
    parts = []
    if query.words.strip():
        parts.append(f"“{query.words.strip()}”")
    names = dict(_categories()) if query.category else {}
    said = [
        f"“{names[query.category]}”" if attribute == "category" and query.category in names else label
        for attribute, unset, _, label in FILTERS
        if getattr(query, attribute) != unset
    ]
    if said:
        parts.append(", ".join(said))
    where = f" within {query.radius_km:g} km of {query.place.label}" if query.place else ""
    where += f" in {query.area.name}" if query.area else ""
    return f"Nothing matched {' and '.join(parts) or 'this search'}{where}."


def search_page(request):
    context, status = _find(request, per_page=20)
    key = page_cache.key_for(request, context, status, context.get("now"))
    if (response := page_cache.kept(key)) is not None:
        return response
    if "result" in context:
        _with_listings(request, context)
    result = context.get("result")
    if result is not None and result.total == 0 and result.query.page == 1 and not request.user.is_authenticated:
        # What the public looked for and did not find is demand; the map outline is the area it was in.
        # The words as typed: what people asked for is the demand, not what Kith read them as.
        words, category = result.typed_words or result.query.words, result.query.category
        extensions.search_missed(request, words=words, category=category, area=context["outline_area"])
    return page_cache.keep(key, render(request, "directory/search.html", context, status=status))


def search_print(request):
    """The list on paper: every way of getting in touch that the listing page shows, in two queries."""
    context, status = _run_search(request, per_page=100)
    context["printed_at"] = timezone.now()
    rows = context.get("rows") or []
    if rows:
        by_pk, details = {}, {}
        for pk, uuid, email, url in Service.objects.filter(uuid__in=[r.uuid for r in rows]).values_list(
            "pk", "uuid", "email", "url"
        ):
            by_pk[pk] = str(uuid)
            details[str(uuid)] = {"email": email, "url": url, "phones": []}
        for service_id, number in Phone.objects.filter(service_id__in=by_pk).values_list("service_id", "number"):
            details[by_pk[service_id]]["phones"].append(number)
        for row in rows:
            row.contact = details.get(row.uuid, {})
    return render(request, "directory/search_print.html", context, status=status)


def service_detail(request, uuid):
    service = get_object_or_404(
        Service.objects.select_related("organisation").prefetch_related(
            "schedules",
            "cost_options",
            "phones",
            "contacts",
            "languages",
            "service_areas__area",
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                    Prefetch("location__addresses", queryset=Address.objects.order_by("id")),
                    "location__accessibility",
                    "location__schedules",
                ),
            ),
        ),
        uuid=uuid,
    )
    categories = list(
        TaxonomyTerm.objects.filter(
            id__in=Attribute.objects.filter(link_entity="service", link_id=service.uuid).values("taxonomy_term_id")
        ).select_related("parent")
    )
    latest = ListingCheck.objects.filter(service=service).order_by("-checked_at").first()
    places = []
    for sal in service.service_at_locations.all():
        location = sal.location
        places.append(
            {
                "location": location,
                "public": public_places(location),
                "accessibility": list(location.accessibility.all()),
                "when": when_text(service, location),
            }
        )
    ward_name = None
    first = places[0]["location"] if places else None
    if first and first.ward_id:
        ward_name = Area.objects.filter(code=first.ward_id).values_list("name", flat=True).first()
    return render(
        request,
        "directory/service.html",
        {
            "service": service,
            "categories": categories,
            "places": places,
            "when": when_text(service, None),
            "cost": cost_text(service),
            "checked": checked_text(
                latest.checked_at if latest else None,
                role=latest.checked_by_role if latest else "",
                method=latest.method if latest else "",
            ),
            "latest_check": latest,
            "is_active": service.status == ServiceStatus.ACTIVE,
            "ward_name": ward_name,
            "ward_code": first.ward_id if first else None,
            **extensions.service_page_context(request.user, service),
            "map_data": {
                "markers": [
                    {
                        "name": p["public"][0].name or service.name,
                        "lon": p["public"][0].longitude,
                        "lat": p["public"][0].latitude,
                        "url": "",
                    }
                    for p in places
                    if p["public"][0].latitude is not None
                ],
                "centre": None,
                "radius_m": None,
                "outline": None,
                "outline_name": "",
                "tiles": settings.KITH_MAP_TILES_URL,
                "attribution": settings.KITH_MAP_TILES_ATTRIBUTION,
            },
        },
    )


def organisation_detail(request, uuid):
    organisation = get_object_or_404(Organisation.objects.select_related("folded_into"), uuid=uuid)
    if organisation.folded_into is not None:  # found to be the same as another: its page is that one now
        # Not permanent: browsers keep a 301 for good, and a fold can be undone for 30 days.
        return redirect("directory:organisation", organisation.folded_into.uuid)
    services = list(
        organisation.services.order_by("name").only("uuid", "name", "description", "status", "organisation_id")[:200]
    )
    return render(request, "directory/organisation.html", {"organisation": organisation, "services": services})


def area_page(request, code):
    area = Area.objects.select_related("local_authority").filter(code=code.upper()).first()
    if area is None or area.level not in {AreaLevel.LOCAL_AUTHORITY, AreaLevel.WARD, AreaLevel.LSOA}:
        raise Http404("No such area")
    counts = area_category_counts(area)
    names = dict(_categories())
    rows = [
        {"code": code_, "name": names.get(code_, code_), "services": c.services, "recent": c.checked_recently}
        for code_, c in sorted(counts.items(), key=lambda kv: list(names).index(kv[0]) if kv[0] in names else 99)
    ]
    context = {
        "area": area,
        "rows": rows,
        "missing": [r for r in rows if r["services"] == 0],
        "deprivation": deprivation_summary(area),
    }
    context["map_data"] = {
        "markers": [],
        "centre": None,
        "radius_m": None,
        "outline": json.loads(area.geometry),
        "outline_name": area.name,
        "tiles": settings.KITH_MAP_TILES_URL,
        "attribution": settings.KITH_MAP_TILES_ATTRIBUTION,
    }
    if area.level == AreaLevel.LOCAL_AUTHORITY:
        context["wards"] = list(Area.objects.wards().filter(local_authority=area).without_geometry().order_by("name"))
    return render(request, "directory/area.html", context)
