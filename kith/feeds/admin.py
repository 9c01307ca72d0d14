from django import forms
from django.contrib import admin

from kith.feeds.locations import check_location
from kith.feeds.models import ImportRun, NewsItem, OrganisationLink, PossibleDuplicate, Problem, Source


class SourceForm(forms.ModelForm):
    user = None  # set per request by SourceAdmin.get_form

    class Meta:
        model = Source
        fields = ["name", "kind", "location", "every_hours"]

    def clean_location(self):
        return check_location(self.cleaned_data["location"], user=self.user)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceForm
    list_display = ["name", "kind", "location", "every_hours", "last_run_at", "last_status"]
    list_filter = ["kind", "last_status"]
    readonly_fields = ["last_run_at", "last_status", "locked_until"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type("SourceFormFor", (form,), {"user": request.user})


class ProblemInline(admin.TabularInline):
    model = Problem
    extra = 0
    fields = ["severity", "source_id", "record_name", "reason"]
    readonly_fields = fields
    can_delete = False


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["source", "started_at", "finished_at", "shown_status", "counts"]
    list_filter = ["status", "source"]
    readonly_fields = ["source", "started_at", "finished_at", "deadline_at", "shown_status", "shown_error", "counts"]
    inlines = [ProblemInline]


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    """The import problems page: everything not imported, or imported without a field, and why."""

    list_display = ["record_name", "severity", "reason", "run"]
    list_filter = ["severity", "run__source"]
    search_fields = ["record_name", "source_id", "reason"]
    list_select_related = ["run__source"]
    readonly_fields = ["run", "severity", "source_id", "record_name", "reason", "payload"]


@admin.register(PossibleDuplicate)
class PossibleDuplicateAdmin(admin.ModelAdmin):
    list_display = ["first", "second", "folded_name", "reason", "decided"]
    list_filter = ["decided"]
    raw_id_fields = ["first", "second"]
    list_select_related = ["first", "second"]


@admin.register(OrganisationLink)
class OrganisationLinkAdmin(admin.ModelAdmin):
    list_display = ["organisation", "source", "source_id"]
    raw_id_fields = ["organisation"]
    list_select_related = ["organisation"]


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "published_at", "active"]
    list_filter = ["active", "source"]
    search_fields = ["title", "summary"]
