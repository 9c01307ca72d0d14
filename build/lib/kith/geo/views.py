from django.shortcuts import render

from kith.geo.models import Area


def areas(request):
    local_authorities = list(Area.objects.local_authorities().without_geometry().order_by("name"))
    wards = {}
    for ward in Area.objects.wards().without_geometry().order_by("name"):
        wards.setdefault(ward.local_authority_id, []).append(ward)
    for la in local_authorities:
        la.ward_list = wards.get(la.code, [])
    return render(request, "geo/areas.html", {"local_authorities": local_authorities})
