from django.contrib import admin

from kith.geo.models import Area, GeographyLoad, LsoaIndicators, Postcode


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "local_authority"]
    list_filter = ["level", "local_authority"]
    search_fields = ["code", "name"]
    exclude = ["geometry"]
    raw_id_fields = ["local_authority", "best_fit_ward", "msoa"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("geometry").select_related("local_authority")


@admin.register(LsoaIndicators)
class LsoaIndicatorsAdmin(admin.ModelAdmin):
    list_display = ["lsoa", "imd_decile", "imd_rank", "loneliness_pct", "cni_rank", "population"]
    list_filter = ["imd_decile"]
    search_fields = ["lsoa__code", "lsoa__name"]
    raw_id_fields = ["lsoa"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lsoa").defer("lsoa__geometry")


@admin.register(Postcode)
class PostcodeAdmin(admin.ModelAdmin):
    list_display = ["postcode", "lat", "lon", "lsoa", "ward", "local_authority"]
    search_fields = ["postcode"]
    raw_id_fields = ["lsoa", "ward", "local_authority"]
    list_select_related = False

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("lsoa", "ward", "local_authority")
        return qs.defer("lsoa__geometry", "ward__geometry", "local_authority__geometry")


@admin.register(GeographyLoad)
class GeographyLoadAdmin(admin.ModelAdmin):
    list_display = ["loaded_at", "with_cni", "checksum"]
    readonly_fields = ["loaded_at", "checksum", "with_cni", "summary"]
