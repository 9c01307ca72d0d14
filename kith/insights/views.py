"""Neighbourhood insight: the gap atlas, ward profiles, the funding case and open data.

Everything here is aggregate: counts of people pass disclosure control; counts of assets are exact.
"""

import functools
import json
from collections import Counter
from urllib.parse import urlencode

import numpy as np
import shapely
from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kith.core import audit, disclosure
from kith.geo.coverage import area_name, main_authority, unknown_authority_text
from kith.geo.models import Area, AreaLevel
from kith.insights import charts, data, engine, labels, layers, presenters
from kith.insights.presenters import MEASURES


def _choice(request, name, allowed, default):
    value = request.GET.get(name, default)
    if value not in allowed:
        raise Http404(f"No such {name}")
    return value


def _report():
    return engine.report()


def _borough(request):
    """The borough chosen with ?la=, or None for the whole area this Kith covers."""
    code = request.GET.get("la") or None
    if code is None:
        return None
    la = Area.objects.without_geometry().filter(code=code, level=AreaLevel.LOCAL_AUTHORITY).first()
    if la is None:
        raise Http404("No such borough")
    return la


def _atlas_rows(report, category, la, level):
    """Wards (of one borough, or all), or the LSOAs of one borough, for the atlas."""
    if level == "lsoa" and la is not None:
        codes = report.areas.codes[report.lsoas_in(la.code)].tolist()
        names = dict(Area.objects.without_geometry().filter(code__in=codes).values_list("code", "name"))
        return [engine.area_row(report, c, category, name=names.get(c)) for c in codes]
    return engine.rows(report, area=la.code if la else None, category=category)


LEVELS = {"ward": "Wards", "lsoa": "Neighbourhoods (LSOAs)"}


@require_GET
def atlas(request):
    report = _report()
    category = _choice(request, "category", report.results, "active")
    measure = _choice(request, "measure", MEASURES, "label")
    level = _choice(request, "level", LEVELS, "ward")
    la = _borough(request)
    rows = _atlas_rows(report, category, la, level)
    sign = 1 if measure in presenters.REVERSED else -1  # most need first; ties by name
    ranked = sorted(rows, key=lambda r: (sign * presenters.measure_value(r, measure), r.area_name))
    legend, _ = presenters.legend_and_colours(rows, measure)
    query = urlencode({"category": category, "measure": measure, "level": level, **({"la": la.code} if la else {})})
    return render(
        request,
        "insights/atlas.html",
        {
            "report": report,
            "category": category,
            "category_name": report.category_names.get(category, category),
            "measure": measure,
            "measures": MEASURES,
            "level": level,
            "levels": LEVELS if la else {"ward": LEVELS["ward"]},
            "la": la,
            "legend": legend,
            "rows": [r.published() | {"row": r} for r in ranked],
            "weights": report.weights,
            "standard": engine.target_text(report.standards[category]),
            "map_url": f"/insight/map.geojson?{query}",
            "layers_url": "/insight/layers.geojson?"
            + urlencode({"category": category, **({"la": la.code} if la else {})}),
            "layers": layers.layers_for(category),
            "la_links": list(Area.objects.local_authorities().order_by("name").values_list("code", "name")),
        },
    )


@require_GET
def atlas_geojson(request):
    report = _report()
    category = _choice(request, "category", report.results, "active")
    measure = _choice(request, "measure", MEASURES, "label")
    level = _choice(request, "level", LEVELS, "ward")
    area = request.GET.get("area")
    if area:  # LSOAs of one ward or local authority
        if not Area.objects.filter(code=area, level__in=[AreaLevel.WARD, AreaLevel.LOCAL_AUTHORITY]).exists():
            raise Http404("No such area")
        codes = report.areas.codes[report.lsoas_in(area)].tolist()
        names = dict(Area.objects.filter(code__in=codes).values_list("code", "name"))
        rows = [engine.area_row(report, c, category, name=names.get(c)) for c in codes]
    else:
        rows = _atlas_rows(report, category, _borough(request), level)
    geometries = dict(Area.objects.filter(code__in=[r.area_code for r in rows]).values_list("code", "geometry"))
    response = JsonResponse(presenters.feature_collection(rows, geometries, measure))
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def layers_geojson(request):
    """The open-data sites of one kind as points, with where each layer comes from: the atlas's own layer."""
    report = _report()
    category = _choice(request, "category", report.results, "active")
    la = _borough(request)
    inside = None
    if la is not None:  # only the borough's own sites: the map is fitted to it
        boundary = shapely.from_geojson(Area.objects.values_list("geometry", flat=True).get(code=la.code))
        shapely.prepare(boundary)
        inside = functools.partial(shapely.contains_xy, boundary)
    features = []
    every_layer = data.layer_points()  # one look-up of the geography load, not one per layer
    for layer in layers.layers_for(category):
        points = every_layer[layer.key]
        sites = layers.group_sites(points)
        _, first = np.unique(sites, return_index=True)
        shown = points[first]
        if inside is not None:
            shown = shown[inside(shown[:, 0], shown[:, 1])]
        for lon, lat in shown:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [round(float(lon), 6), round(float(lat), 6)]},
                    "properties": {"layer": layer.title, "source": f"{layer.publisher}, {layer.dated}"},
                }
            )
    response = JsonResponse(
        {
            "type": "FeatureCollection",
            "features": features,
            "layers": [
                {"title": layer.title, "publisher": layer.publisher, "dated": layer.dated, "licence": layer.licence}
                for layer in layers.layers_for(category)
            ],
        }
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def ward_profile(request, code):
    ward = Area.objects.select_related("local_authority").filter(code=code, level=AreaLevel.WARD).first()
    if ward is None:
        raise Http404("No such ward")
    report = _report()
    categories = []
    for category in report.results:
        row = engine.area_row(report, ward.code, category)
        categories.append(
            {
                "name": report.category_names.get(category, category),
                "code": category,
                "named_level": "/" in category,
                "label": row.label,
                "verdict": row.verdict,
                "assets": row.listings,
                "fresh": row.checked,
                "open_data": row.open_data if row.covered else None,
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
            "gaps": [c for c in categories if c["label"] == labels.GAP],
            "likely": [c for c in categories if c["label"] == labels.LIKELY_GAP],
            "missing": [c for c in categories if c["label"] == labels.MISSING_DATA],
            "rule": labels.RULE,
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


PEOPLE_CHART = "People in {place} who told a link worker they want each thing (rounded to the nearest 5)"
ACCESS_CHART = "Places within reach per 1,000 residents who can reach them (2SFCA), {place}"


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
    notes = presenters.method_notes(report, category)
    if fmt == "csv":
        return _download(request, presenters.to_csv([la_row, *wards]), "text/csv; charset=utf-8", la, category, "csv")
    named = data.name_sites([(site.lon, site.lat) for site in la_row.placements])
    sites = [{"site": site, **name} for site, name in zip(la_row.placements, named, strict=True)]
    if fmt == "xlsx":
        content = presenters.to_xlsx([la_row, *wards], sheet=f"{la.name} {category}", notes=notes, sites=sites)
        return _download(
            request, content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", la, category, "xlsx"
        )
    if fmt == "geojson":
        geometries = dict(Area.objects.filter(code__in=[w.area_code for w in wards]).values_list("code", "geometry"))
        collection = presenters.feature_collection(wards, geometries, "label")
        collection["features"] += presenters.site_features(sites)
        collection["method"] = notes
        return _download(request, json.dumps(collection), "application/geo+json", la, category, "geojson")
    if fmt is not None:
        raise Http404("No such format")
    # The borough-wide plan, shared out to the wards its new places fall in: the table adds up to the headline.
    in_plan = Counter(site.ward_code for site in la_row.placements)
    tops = [c for c in report.results if "/" not in c]
    la_totals = {c: engine.area_row(report, la.code, c) for c in tops}
    people_chart = charts.bars(
        [(report.category_names.get(c, c), [("people", _plain(r.demand), "#005eb8")]) for c, r in la_totals.items()],
        title=PEOPLE_CHART.format(place=la.name),
        unit=" people",
    )
    access_chart = charts.bars(
        [(report.category_names.get(c, c), [("per 1,000", r.accessibility, "#007f3b")]) for c, r in la_totals.items()],
        title=ACCESS_CHART.format(place=la.name),
        unit=" per 1,000",
        digits=2,
    )
    shortfall_chart = charts.bars(
        [
            (w.area_name, [("new places", float(in_plan[w.area_code]), "#d5281b")])
            for w in wards
            if in_plan[w.area_code]
        ],
        title=f"New {category_name.lower()} places in the borough-wide plan, by ward, {la.name}",
        unit=" new",
    )
    return render(
        request,
        "insights/funding_case.html",
        {
            "la": la,
            "category": category,
            "category_name": category_name,
            "la_row": la_row,
            "sites": sites,
            "wards": [w.published() | {"row": w, "in_plan": in_plan[w.area_code]} for w in wards],
            "alone_total": sum(w.shortfall for w in wards),
            "notes": notes,
            "narrative": presenters.narrative(report, la_row, wards, category_name),
            "people_chart": people_chart,
            "people_chart_title": PEOPLE_CHART.format(place=la.name),
            "access_chart_title": ACCESS_CHART.format(place=la.name),
            "access_chart": access_chart,
            "shortfall_chart": shortfall_chart,
            "weights": report.weights,
            "categories": report.category_names,
            "la_totals": [
                (report.category_names.get(c, c), disclosure.count(int(r.demand)), r.accessibility)
                for c, r in la_totals.items()
            ],
            "label_words": presenters.LABEL_WORDS,
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
    name = category.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="kith-gaps-{la.code}-{name}.{extension}"'
    return response


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
                "method": presenters.method_notes(report, category or "active"),
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

    code = request.GET.get("la") or main_authority() or ""
    la = Area.objects.without_geometry().filter(code=code, level=AreaLevel.LOCAL_AUTHORITY).first()
    if la is None:
        return HttpResponse(unknown_authority_text(), status=400, content_type="text/plain")
    wards = list(
        Area.objects.without_geometry()
        .filter(level=AreaLevel.WARD, local_authority=la)
        .order_by("name")
        .values_list("code", "name")
    )
    rows, la_row, city = measures(la, wards, city_name=area_name())
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
