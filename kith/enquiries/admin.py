from django.contrib import admin

from kith.enquiries.models import Enquiry, UnmetSearch


@admin.register(Enquiry)
class EnquiryAdmin(admin.ModelAdmin):
    list_display = ["asked_at", "ward", "category", "status", "outcome", "due_at", "answered_at"]
    list_filter = ["status", "outcome", "category"]
    list_select_related = ["ward", "category"]
    raw_id_fields = ["asked_by", "answered_by", "ward", "category"]
    filter_horizontal = ["routed_to"]
    exclude = ["listings"]


@admin.register(UnmetSearch)
class UnmetSearchAdmin(admin.ModelAdmin):
    list_display = ["searched_on", "words", "category", "area"]
    list_filter = ["category"]
    search_fields = ["words"]
    list_select_related = ["area"]
