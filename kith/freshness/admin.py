from django.contrib import admin

from kith.freshness.models import Claim, ListingChange, ReviewPeriod, Suggestion


@admin.register(ReviewPeriod)
class ReviewPeriodAdmin(admin.ModelAdmin):
    """How long a check lasts per category; categories without one use 180 days."""

    list_display = ["category", "days"]


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["service", "kind", "status", "made_at"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["service", "decided_by"]


@admin.register(ListingChange)
class ListingChangeAdmin(admin.ModelAdmin):
    list_display = ["service", "changed_at", "role", "via"]
    raw_id_fields = ["service", "changed_by"]
    readonly_fields = ["service", "changed_at", "changed_by", "role", "via", "fields"]


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["organisation", "name", "email", "status", "made_at"]
    list_filter = ["status"]
    raw_id_fields = ["organisation", "decided_by", "editor"]
