"""Django admin for the whole directory. Saves go through services so that search stays in step."""

from django.contrib import admin

from kith.directory import services
from kith.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Language,
    ListingCheck,
    Location,
    Organisation,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)


class DirectoryAdmin(admin.ModelAdmin):
    """Re-index the services a change touches, after the change and its inlines are saved."""

    readonly_fields = ["uuid", "created_at", "updated_at"]

    def affected_services(self, obj) -> list[int]:
        return []

    def save_model(self, request, obj, form, change):
        # What the record touched before the change too: a schedule moved from one service to another
        # changes both, and search takes in only the services it is told of.
        before = type(obj).objects.filter(pk=obj.pk).first() if change else None
        self._touched_before = self.affected_services(before) if before is not None else []
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if isinstance(form.instance, Location):
            services.place_locations([form.instance])
            form.instance.save(update_fields=["lsoa", "ward", "local_authority"])
        touched = {*getattr(self, "_touched_before", []), *self.affected_services(form.instance)}
        services.services_changed(service_ids=touched)

    def delete_model(self, request, obj):
        ids = self.affected_services(obj)
        super().delete_model(request, obj)
        services.services_changed(service_ids=ids)

    def delete_queryset(self, request, queryset):
        ids = [sid for obj in queryset for sid in self.affected_services(obj)]
        super().delete_queryset(request, queryset)
        services.services_changed(service_ids=ids)


class ScheduleInline(admin.TabularInline):
    model = Schedule
    extra = 0
    fields = ["freq", "byday", "opens_at", "closes_at", "valid_from", "valid_to", "description"]
    fk_name = "service"


class CostOptionInline(admin.TabularInline):
    model = CostOption
    extra = 0
    fields = ["option", "amount", "currency", "amount_description"]


class ServiceAtLocationInline(admin.TabularInline):
    model = ServiceAtLocation
    extra = 0
    fields = ["location", "description"]
    raw_id_fields = ["location"]


class PhoneInline(admin.TabularInline):
    model = Phone
    extra = 0
    fields = ["number", "extension", "type", "description"]
    fk_name = "service"


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "title", "department", "email"]
    fk_name = "service"


class LanguageInline(admin.TabularInline):
    model = Language
    extra = 0
    fields = ["name", "code", "note"]
    fk_name = "service"


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    extra = 0
    fields = ["name", "area", "description"]
    raw_id_fields = ["area"]


class ListingCheckInline(admin.TabularInline):
    model = ListingCheck
    extra = 0
    fields = ["checked_at", "method", "checked_by_role", "checked_by", "note"]
    raw_id_fields = ["checked_by"]
    ordering = ["-checked_at"]


@admin.register(Service)
class ServiceAdmin(DirectoryAdmin):
    list_display = ["name", "organisation", "status", "asset_kind", "scope", "is_demo"]
    list_filter = ["status", "asset_kind", "scope", "is_demo"]
    search_fields = ["name", "organisation__name"]
    raw_id_fields = ["organisation"]
    list_select_related = ["organisation"]
    inlines = [
        ServiceAtLocationInline,
        ScheduleInline,
        CostOptionInline,
        PhoneInline,
        ContactInline,
        LanguageInline,
        ServiceAreaInline,
        ListingCheckInline,
    ]

    def affected_services(self, obj):
        return [obj.pk]


@admin.register(Organisation)
class OrganisationAdmin(DirectoryAdmin):
    list_display = ["name", "website", "is_demo"]
    list_filter = ["is_demo"]
    search_fields = ["name", "alternate_name"]
    raw_id_fields = ["parent"]

    def affected_services(self, obj):
        return list(obj.services.values_list("id", flat=True))


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0
    fields = ["address_1", "address_2", "city", "state_province", "postal_code", "country", "address_type"]


class AccessibilityInline(admin.TabularInline):
    model = Accessibility
    extra = 0
    fields = ["feature", "description", "details", "url"]


class LocationScheduleInline(ScheduleInline):
    fk_name = "location"


@admin.register(Location)
class LocationAdmin(DirectoryAdmin):
    list_display = ["name", "location_type", "ward", "local_authority", "is_demo"]
    list_filter = ["location_type", "local_authority", "is_demo"]
    search_fields = ["name", "addresses__postal_code"]
    raw_id_fields = ["organisation"]
    readonly_fields = [*DirectoryAdmin.readonly_fields, "lsoa", "ward", "local_authority"]
    inlines = [AddressInline, AccessibilityInline, LocationScheduleInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("ward", "local_authority")
            .defer("ward__geometry", "local_authority__geometry")
        )

    def affected_services(self, obj):
        return services.services_at_locations([obj.pk])


@admin.register(ServiceAtLocation)
class ServiceAtLocationAdmin(DirectoryAdmin):
    list_display = ["service", "location"]
    raw_id_fields = ["service", "location"]
    list_select_related = ["service", "location"]

    def affected_services(self, obj):
        return [obj.service_id]


@admin.register(Taxonomy)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "uri"]
    readonly_fields = ["uuid"]


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "taxonomy", "parent"]
    list_filter = ["taxonomy"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]
    list_select_related = ["taxonomy", "parent"]
    readonly_fields = ["uuid"]

    # A term's name and place decide every listing's wants and search words: search re-reads them all.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.taxonomy_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.taxonomy_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        services.taxonomy_changed()


@admin.register(Attribute)
class AttributeAdmin(DirectoryAdmin):
    list_display = ["link_entity", "link_id", "taxonomy_term", "value"]
    list_filter = ["link_entity"]
    raw_id_fields = ["taxonomy_term"]
    list_select_related = ["taxonomy_term"]

    def affected_services(self, obj):
        if obj.link_entity != "service":
            return []
        return list(Service.objects.filter(uuid=obj.link_id).values_list("id", flat=True))


@admin.register(ListingCheck)
class ListingCheckAdmin(DirectoryAdmin):
    list_display = ["service", "checked_at", "method", "checked_by_role"]
    list_filter = ["method"]
    raw_id_fields = ["service", "checked_by"]
    list_select_related = ["service"]
    readonly_fields = []

    def affected_services(self, obj):
        return [obj.service_id]


class PartAdmin(DirectoryAdmin):
    """Addresses, phones, schedules and the other parts, each linked to a service or location."""

    list_display = ["__str__", "updated_at"]

    def affected_services(self, obj):
        ids = set()
        if getattr(obj, "service_id", None):
            ids.add(obj.service_id)
        if getattr(obj, "location_id", None):
            ids.update(services.services_at_locations([obj.location_id]))
        if getattr(obj, "service_at_location_id", None):  # a schedule of one service at one place
            ids.update(
                ServiceAtLocation.objects.filter(pk=obj.service_at_location_id).values_list("service_id", flat=True)
            )
        return list(ids)


for _model in [Address, Phone, Contact, Schedule, CostOption, Accessibility, Language, ServiceArea]:
    # Raw ids: a drop-down of 100,000 services would make every form unusable.
    _related = [f.name for f in _model._meta.fields if f.is_relation]
    admin.site.register(_model, type(f"{_model.__name__}Admin", (PartAdmin,), {"raw_id_fields": _related}))
