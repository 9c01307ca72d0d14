"""Neighbourhood insight: the gap atlas, ward profiles, the funding case and open data.

Everything here is aggregate: counts of people pass disclosure control; counts of assets are exact.
"""

import json

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kith.core import audit, disclosure
from kith.directory.search.engine import area_category_counts
from kith.geo.models import Area, AreaLevel
from kith.insights import charts, engine, presenters
from kith.insights.presenters import MEASURES


def _choice(request, name, allowed, default):
    value = request.GET.get(name, default)
    if value not in allowed:
        raise Http404(f"No such {name}")
    return value


def _report():
    return engine.report()


@require_GET
def atlas(request):
    report = _report()
    category = _choice(request, "category", report.results, "active")
    measure = _choice(request, "measure", MEASURES, "shortfall")
    rows = engine.rows(report, category=category)
    ranked = sorted(
        rows, key=lambda r: presenters.measure_value(r, measure), reverse=measure not in presenters.REVERSED
    )
    return render(
        request,
        "insights/atlas.html",
        {
            "report": report,
            "category": category,
            "category_name": report.category_names.get(category, category),
            "measure": measure,
            "measures": MEASURES,
            "rows": [r.published() | {"row": r} for r in ranked],
            "weights": report.weights,
            "standard": engine.target_text(report.standards[category]),
            "map_url": f"/insight/map.geojson?category={category}&measure={measure}",
            "la_links": list(Area.objects.local_authorities().order_by("name").values_list("code", "name")),
        },
    )


@require_GET
def atlas_geojson(request):
    report = _report()
    category = _choice(request, "category", report.results, "active")
    measure = _choice(request, "measure", MEASURES, "shortfall")
    area = request.GET.get("area")
    if area:  # LSOAs of one ward or local authority
        if not Area.objects.filter(code=area, level__in=[AreaLevel.WARD, AreaLevel.LOCAL_AUTHORITY]).exists():
            raise Http404("No such area")
        codes = report.areas.codes[report.lsoas_in(area)].tolist()
        names = dict(Area.objects.filter(code__in=codes).values_list("code", "name"))
        rows = [engine.area_row(report, c, category, name=names.get(c)) for c in codes]
    else:
        rows = engine.rows(report, category=category)
    geometries = dict(Area.objects.filter(code__in=[r.area_code for r in rows]).values_list("code", "geometry"))
    response = JsonResponse(presenters.feature_collection(rows, geometries, measure))
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def ward_profile(request, code):
    ward = Area.objects.select_related("local_authority").filter(code=code, level=AreaLevel.WARD).first()
    if ward is None:
        raise Http404("No such ward")
    report = _report()
    assets = area_category_counts(ward)
    categories = []
    for category in report.results:
        row = engine.area_row(report, ward.code, category)
        counted = assets.get(category)
        categories.append(
            {
                "name": report.category_names.get(category, category),
                "code": category,
                "assets": counted.services if counted else 0,
                "fresh": counted.checked_recently if counted else 0,
                "demand": disclosure.count(int(row.demand)),
                "accessibility": row.accessibility,
                "shortfall": row.shortfall,
                "lsoas_below": row.lsoas_below,
                "lsoas": row.lsoas,
            }
        )
    from kith.enquiries.insight import ward_demand
    from kith.geo.deprivation import deprivation_summary
    from kith.together.pools import pools_in

    return render(
        request,
        "insights/ward.html",
        {
            "ward": ward,
            "categories": categories,
            "context": deprivation_summary(ward),
            "gaps": [c for c in categories if c["shortfall"]],
            "weights": report.weights,
            "trend": _trend(ward.code),
            "asked": ward_demand(ward.code),
            "pools": [(p.category_name, disclosure.count(p.size)) for p in pools_in(ward.code)],
        },
    )


def _trend(ward_code: str) -> list[dict]:
    """Per quarter over the last year in the ward: wants recorded, and public searches that found nothing,
    as two separate series (a search is not a person), each under disclosure control."""
    from kith.enquiries.insight import unmet_search_dates
    from kith.people.access import want_dates_for_insight

    today = timezone.localdate()
    quarters = []
    for back in range(3, -1, -1):
        month = (today.month - 1) // 3 * 3 + 1 - 3 * back
        year = today.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        quarters.append((year, month))
    wants = {q: 0 for q in quarters}
    searches = {q: 0 for q in quarters}
    for dates, counts in ((want_dates_for_insight(ward_code), wants), (unmet_search_dates(ward_code), searches)):
        for day in dates:
            key = (day.year, (day.month - 1) // 3 * 3 + 1)
            if key in counts:
                counts[key] += 1
    return [
        {
            "label": f"{['Jan', 'Apr', 'Jul', 'Oct'][(m - 1) // 3]}–{['Mar', 'Jun', 'Sep', 'Dec'][(m - 1) // 3]} {y}",
            "wants": disclosure.count(wants[(y, m)]),
            "searches": disclosure.count(searches[(y, m)]),
        }
        for (y, m) in quarters
    ]


@require_GET
def funding_case(request, code, category):
    la = Area.objects.filter(code=code, level=AreaLevel.LOCAL_AUTHORITY).first()
    report = _report()
    if la is None or category not in report.results:
        raise Http404("No such local authority or category")
    category_name = report.category_names.get(category, category)
    la_row = engine.area_row(report, la.code, category)
    wards = engine.rows(report, area=la.code, category=category)
    fmt = request.GET.get("format")
    notes = _method_notes(report, category)
    if fmt == "csv":
        return _download(request, presenters.to_csv([la_row, *wards]), "text/csv; charset=utf-8", la, category, "csv")
    if fmt == "xlsx":
        content = presenters.to_xlsx([la_row, *wards], sheet=f"{la.name} {category}", notes=notes)
        return _download(
            request, content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", la, category, "xlsx"
        )
    if fmt == "geojson":
        geometries = dict(Area.objects.filter(code__in=[w.area_code for w in wards]).values_list("code", "geometry"))
        collection = presenters.feature_collection(wards, geometries, "shortfall")
        return _download(request, json.dumps(collection), "application/geo+json", la, category, "geojson")
    if fmt is not None:
        raise Http404("No such format")
    la_totals = {c: engine.area_row(report, la.code, c) for c in report.results}
    supply_chart = charts.bars(
        [
            (
                report.category_names.get(c, c),
                [
                    ("people who want it (rounded)", _plain(r.demand), "#005eb8"),
                    ("assets in reach of most residents", r.accessibility, "#007f3b"),
                ],
            )
            for c, r in la_totals.items()
        ],
        title=f"Demand and accessibility per category in {la.name}",
    )
    shortfall_chart = charts.bars(
        [(w.area_name, [("new assets needed", float(w.shortfall), "#d5281b")]) for w in wards if w.shortfall],
        title=f"New {category_name.lower()} assets needed by ward in {la.name}",
    )
    return render(
        request,
        "insights/funding_case.html",
        {
            "la": la,
            "category": category,
            "category_name": category_name,
            "la_row": la_row,
            "wards": [w.published() | {"row": w} for w in wards],
            "notes": notes,
            "narrative": presenters.narrative(report, la_row, wards, category_name),
            "supply_chart": supply_chart,
            "shortfall_chart": shortfall_chart,
            "weights": report.weights,
            "categories": report.category_names,
            "la_totals": [
                (report.category_names.get(c, c), disclosure.count(int(r.demand)), r.accessibility)
                for c, r in la_totals.items()
            ],
            "today": timezone.localdate(),
        },
    )


def _plain(people: float) -> float:
    shown = disclosure.count(int(people))
    return 0.0 if shown == disclosure.SUPPRESSED else float(shown)


def _download(request, content, content_type, la, category, extension):
    if request.user.is_authenticated:  # staff downloads are in the audit trail; the public's are open data
        audit.record(
            user=request.user, action="export", what="gap download", object_id=f"{la.code}/{category}.{extension}"
        )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="kith-gaps-{la.code}-{category}.{extension}"'
    return response


def _method_notes(report, category) -> list[str]:
    weights = report.weights
    return [
        "Method: two-step floating catchment (2SFCA) from LSOA 2021 centroids to active listings, great-circle "
        f"distance; adequacy standard: {engine.target_text(report.standards[category])} of every LSOA; new assets "
        "placed greedily where each brings the most residents up to the standard.",
        f"Priority weights: deprivation {weights.deprivation:g}, loneliness {weights.loneliness:g}, community need "
        f"{weights.community_need:g}"
        + ("." if report.cni_loaded else " (the Community Needs Index is not loaded, so it adds nothing)."),
        "Demand: distinct people with an open want, excluding anyone who objected to being counted. Counts of people "
        "from 1 to 7 are shown as *, others rounded to the nearest 5; totals are rounded from true sums. Counts of "
        "assets are exact.",
        "Sources: Kith directory (listings as checked, see each listing's date); ONS LSOA 2021 and ward 2023 "
        "boundaries and best-fit lookup; English Indices of Deprivation 2025 (MHCLG); Community Life Survey "
        "2020-21 modelled loneliness (DCMS); Census 2021 usual residents (ONS). OGL v3.0.",
        f"Computed {timezone.now():%-d %B %Y %H:%M}.",
    ]


@require_GET
def open_data(request, extension):
    """The controlled gap tables for anyone: ?area= (local authority, ward or LSOA) and ?category=."""
    if extension not in {"json", "csv"}:
        raise Http404("Use gaps.json or gaps.csv")
    report = _report()
    category = request.GET.get("category") or None
    if category is not None and category not in report.results:
        return JsonResponse(
            {"error": f"Unknown category {category!r}; use one of {sorted(report.results)}."}, status=400
        )
    area = request.GET.get("area") or None
    try:
        rows = engine.rows(report, area=area, category=category)
    except KeyError:
        return JsonResponse({"error": f"Unknown area {area!r}; use a local authority, ward or LSOA code."}, status=400)
    if extension == "csv":
        response = HttpResponse(presenters.to_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = JsonResponse(
            {
                "licence": "Open Government Licence v3.0",
                "method": _method_notes(report, category or "active")[:3],
                "rows": [r.published() for r in rows],
            }
        )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def measures_page(request):
    """Connections that last, wellbeing, adequacy, fresh listings, new groups and answered enquiries."""
    from kith.insights.measures import measures

    code = request.GET.get("la", "E08000003")
    la = Area.objects.without_geometry().filter(code=code, level=AreaLevel.LOCAL_AUTHORITY).first()
    if la is None:
        return HttpResponse(
            "Unknown local authority: use a code such as E08000003.", status=400, content_type="text/plain"
        )
    wards = list(
        Area.objects.without_geometry()
        .filter(level=AreaLevel.WARD, local_authority=la)
        .order_by("name")
        .values_list("code", "name")
    )
    rows, la_row, city = measures(la, wards, city_name="Greater Manchester")
    authorities = Area.objects.without_geometry().filter(level=AreaLevel.LOCAL_AUTHORITY).order_by("name")
    return render(
        request,
        "insights/measures.html",
        {
            "la": la,
            "authorities": authorities,
            "rows": rows,
            "la_row": la_row,
            "city": city,
            "working_days": settings.KITH_ENQUIRY_WORKING_DAYS,
        },
    )
