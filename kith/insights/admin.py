from django.contrib import admin

from kith.insights.models import AdequacyStandard, PriorityWeights


@admin.register(AdequacyStandard)
class AdequacyStandardAdmin(admin.ModelAdmin):
    list_display = ["category", "catchment_m", "minimum_within_reach", "per_1000_residents"]


@admin.register(PriorityWeights)
class PriorityWeightsAdmin(admin.ModelAdmin):
    list_display = ["deprivation", "loneliness", "community_need"]
