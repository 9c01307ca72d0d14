from django.contrib import admin

from kith.accounts.models import StaffProfile, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["wards"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "team", "profession", "organisation"]
    list_filter = ["role", "team"]
    search_fields = ["user__username"]
    raw_id_fields = ["user", "organisation"]
    filter_horizontal = ["neighbourhoods"]
    list_select_related = ["user", "team", "organisation"]
