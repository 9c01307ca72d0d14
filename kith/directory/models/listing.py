from django.conf import settings
from django.db import models

from kith.directory.models.base import HsdsRecord


class Scope(models.TextChoices):
    LOCAL = "local", "Local (a neighbourhood)"
    CITY_WIDE = "city-wide", "City-wide"
    NATIONAL = "national", "National"


class AssetKind(models.TextChoices):
    VCSE = "vcse", "Community group or charity (VCSE)"
    BUSINESS = "business", "Business (pub, café, shop)"
    PUBLIC_SPACE = "public-space", "Public space (park, green space)"
    PUBLIC_SERVICE = "public-service", "Public service (library, leisure centre)"
    FAITH = "faith", "Faith group or place of worship"


class ServiceStatus(models.TextChoices):
    # The HSDS 3.0 enumeration, which is also Kith's.
    # The values are HSDS's; the labels are what people read.
    ACTIVE = "active", "Running"
    INACTIVE = "inactive", "Not running (no longer listed by its source)"
    DEFUNCT = "defunct", "Closed for good"
    TEMPORARILY_CLOSED = "temporarily closed", "Closed for now"


class Organisation(HsdsRecord):
    name = models.CharField(max_length=300)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True, max_length=500)
    tax_status = models.CharField(max_length=100, blank=True)
    tax_id = models.CharField(max_length=100, blank=True)
    year_incorporated = models.PositiveSmallIntegerField(null=True, blank=True)
    legal_status = models.CharField(max_length=100, blank=True)
    logo = models.URLField(blank=True, max_length=500)
    uri = models.URLField(blank=True, max_length=500)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    # Set when a person decided this is the same as another organisation: its listings moved there, and its
    # address sends people on. Kept (not deleted) so the fold can be undone and old links keep working.
    folded_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=ServiceStatus.ACTIVE)


class Service(HsdsRecord):
    """A thing a person can go to or take part in: Kith calls it an asset or a listing."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=300)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True, max_length=500)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE, db_index=True)
    interpretation_services = models.TextField(blank=True)
    application_process = models.TextField(blank=True)
    fees_description = models.TextField(blank=True)
    wait_time = models.CharField(max_length=200, blank=True)
    accreditations = models.TextField(blank=True)
    eligibility_description = models.TextField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.EmailField(blank=True)
    alert = models.TextField(blank=True)
    # Kith's additions.
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.LOCAL)
    asset_kind = models.CharField(max_length=15, choices=AssetKind.choices, default=AssetKind.VCSE)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name", "id"])]  # the ORUK API pages services by name

    def __str__(self):
        return self.name


class Location(HsdsRecord):
    class LocationType(models.TextChoices):
        PHYSICAL = "physical", "Physical"
        POSTAL = "postal", "Postal"
        VIRTUAL = "virtual", "Virtual"

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="locations"
    )
    location_type = models.CharField(max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL)
    url = models.URLField(blank=True, max_length=500)
    name = models.CharField(max_length=300, blank=True)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    transportation = models.TextField(blank=True, help_text="How to get there: buses, trams, parking")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.CharField(max_length=100, blank=True)
    external_identifier_type = models.CharField(max_length=100, blank=True)
    # A refuge or similar: published with rounded coordinates and the postcode's outward half only.
    is_sensitive = models.BooleanField(default=False, help_text="Mask the address and point in open data")
    # The areas that contain the point (point in polygon), kept so that area filters are joins.
    lsoa = models.ForeignKey("geo.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ward = models.ForeignKey("geo.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    local_authority = models.ForeignKey("geo.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["latitude", "longitude"])]

    def __str__(self):
        return self.name or f"Location {self.uuid}"


class ServiceAtLocation(HsdsRecord):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")
    description = models.TextField(blank=True)

    class Meta:
        verbose_name = "service at location"
        constraints = [models.UniqueConstraint(fields=["service", "location"], name="unique_service_location")]

    def __str__(self):
        return f"{self.service} at {self.location}"


class Address(HsdsRecord):
    class AddressType(models.TextChoices):
        PHYSICAL = "physical", "Physical"
        POSTAL = "postal", "Postal"
        VIRTUAL = "virtual", "Virtual"

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=200, blank=True)
    address_1 = models.CharField(max_length=300)
    address_2 = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    state_province = models.CharField(max_length=100, help_text="County, e.g. West Yorkshire")
    postal_code = models.CharField(max_length=10, db_index=True)
    country = models.CharField(max_length=2, default="GB")
    address_type = models.CharField(max_length=10, choices=AddressType.choices, default=AddressType.PHYSICAL)

    class Meta:
        verbose_name_plural = "addresses"

    def __str__(self):
        return ", ".join(p for p in [self.address_1, self.city, self.postal_code] if p)


class Contact(HsdsRecord):
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)

    def __str__(self):
        return self.name or self.title or self.email or "Contact"


class Phone(HsdsRecord):
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(max_length=40)
    extension = models.CharField(max_length=10, blank=True)
    type = models.CharField(max_length=20, blank=True, help_text="text, voice, fax, cell, video, pager, textphone")
    description = models.TextField(blank=True)

    def __str__(self):
        return self.number


class Schedule(HsdsRecord):
    """When a service runs or a location opens: an iCalendar-style recurrence (HSDS 3.0)."""

    class Frequency(models.TextChoices):
        WEEKLY = "WEEKLY", "Weekly"
        MONTHLY = "MONTHLY", "Monthly"

    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    timezone = models.CharField(max_length=40, blank=True, default="Europe/London")
    until = models.DateField(null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    wkst = models.CharField(max_length=2, blank=True)
    freq = models.CharField(max_length=7, choices=Frequency.choices, blank=True)
    interval = models.PositiveSmallIntegerField(null=True, blank=True)
    byday = models.CharField(max_length=60, blank=True, help_text="e.g. MO,WE or 1TU (first Tuesday)")
    byweekno = models.CharField(max_length=60, blank=True)
    bymonthday = models.CharField(max_length=60, blank=True)
    byyearday = models.CharField(max_length=60, blank=True)
    description = models.TextField(blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    schedule_link = models.URLField(blank=True, max_length=500)
    attending_type = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        # Most schedules belong to a service, so the place columns are mostly empty: SQLite's statistics then
        # call their plain indexes useless and read every schedule to find one place's (55 ms at 400,000).
        indexes = [
            models.Index(
                fields=["service_at_location"],
                condition=models.Q(service_at_location__isnull=False),
                name="schedule_at_a_service_place",
            ),
            models.Index(fields=["location"], condition=models.Q(location__isnull=False), name="schedule_at_a_place"),
        ]

    def __str__(self):
        return self.description or f"{self.freq} {self.byday} {self.opens_at}-{self.closes_at}"


class CostOption(HsdsRecord):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.CharField(max_length=200, blank=True, help_text="e.g. Adult, Concession")
    currency = models.CharField(max_length=3, default="GBP")
    amount = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    amount_description = models.CharField(max_length=300, blank=True)

    def __str__(self):
        return f"{self.option or 'Cost'}: {self.amount}"


class AccessibilityFeature(models.TextChoices):
    STEP_FREE = "step-free", "Step-free access"
    ACCESSIBLE_TOILET = "accessible-toilet", "Accessible toilet"
    HEARING_LOOP = "hearing-loop", "Hearing loop"
    ACCESSIBLE_PARKING = "accessible-parking", "Accessible parking"
    CHANGING_PLACES = "changing-places", "Changing Places toilet"
    OTHER = "other", "Other"


class Accessibility(HsdsRecord):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    # Kith's addition: a coded feature, so that "step-free" is a filter and not a text search.
    feature = models.CharField(max_length=20, choices=AccessibilityFeature.choices, default=AccessibilityFeature.OTHER)
    description = models.TextField(blank=True)
    details = models.TextField(blank=True)
    url = models.URLField(blank=True, max_length=500)

    class Meta:
        verbose_name_plural = "accessibility"

    def __str__(self):
        return self.get_feature_display()


class Language(HsdsRecord):
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="languages")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="languages")
    phone = models.ForeignKey(Phone, null=True, blank=True, on_delete=models.CASCADE, related_name="languages")
    name = models.CharField(max_length=100)
    code = models.CharField(max_length=10, blank=True, help_text="ISO 639 code, e.g. ur")
    note = models.CharField(max_length=300, blank=True)

    def __str__(self):
        return self.name


class ServiceArea(HsdsRecord):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=20, blank=True, help_text="geojson, topojson, kml, text")
    uri = models.URLField(blank=True, max_length=500)
    # Kith's addition: the Kith area the service covers, when it is one.
    area = models.ForeignKey("geo.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self):
        return self.name or str(self.area_id)


class ListingCheck(models.Model):
    """Someone confirmed that a listing is right: when, who, and how."""

    class Method(models.TextChoices):
        PHONED = "phoned", "phoned"
        VISITED = "visited", "visited"
        ORGANISATION_CONFIRMED = "organisation-confirmed", "organisation confirmed"
        EMAILED = "emailed", "emailed"
        WEBSITE = "website", "checked the website"
        IMPORTED = "imported", "imported"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="checks")
    checked_at = models.DateTimeField(db_index=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_by_role = models.CharField(max_length=60, help_text="e.g. link worker, organisation, import")
    method = models.CharField(max_length=30, choices=Method.choices)
    # For staff only: what the person checking found. Never shown to the public.
    note = models.TextField(blank=True)
    # Shown on the public listing, only when the person checking chose to write one.
    public_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-checked_at"]
        get_latest_by = "checked_at"
        indexes = [models.Index(fields=["service", "-checked_at"])]

    def __str__(self):
        return f"{self.service} checked {self.checked_at:%Y-%m-%d} ({self.method})"
