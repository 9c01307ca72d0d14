"""Statistical and administrative areas of the area this Kith covers, their indicators and postcodes."""

from django.db import models


class AreaLevel(models.TextChoices):
    COMBINED_AUTHORITY = "ca", "Combined authority"
    LOCAL_AUTHORITY = "lad", "Local authority"
    WARD = "ward", "Ward"
    MSOA = "msoa", "MSOA"
    LSOA = "lsoa", "LSOA"


class AreaQuerySet(models.QuerySet):
    def local_authorities(self):
        return self.filter(level=AreaLevel.LOCAL_AUTHORITY)

    def wards(self):
        return self.filter(level=AreaLevel.WARD)

    def current_wards(self):
        """Wards some postcode is placed in: not those of an earlier vintage that a newer load replaced."""
        return self.wards().filter(models.Exists(Postcode.objects.filter(ward=models.OuterRef("pk"))))

    def lsoas(self):
        return self.filter(level=AreaLevel.LSOA)

    def without_geometry(self):
        return self.defer("geometry")


class Area(models.Model):
    """A boundary with an ONS code: local authority, ward (May 2023), MSOA or LSOA (2021)."""

    code = models.CharField(max_length=9, primary_key=True)
    name = models.CharField(max_length=120, db_index=True)
    level = models.CharField(max_length=4, choices=AreaLevel.choices, db_index=True)
    # The local authority every area sits in; for an LSOA also its MSOA and its ward by the
    # ONS best-fit lookup (used to roll LSOA statistics up to wards, not to place points).
    local_authority = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    best_fit_ward = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="best_fit_lsoas"
    )
    msoa = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="lsoas")
    # GeoJSON geometry in lon/lat (CRS84), generalised to 20 m.
    geometry = models.TextField()
    centroid_lon = models.FloatField()
    centroid_lat = models.FloatField()
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    area_m2 = models.FloatField(null=True, blank=True)
    # For an LSOA: where its residents are taken to live in the gap method (kith.geo.demand_points).
    demand_lon = models.FloatField(null=True, blank=True)
    demand_lat = models.FloatField(null=True, blank=True)
    demand_point = models.CharField(max_length=10, blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["level", "name"]
        indexes = [models.Index(fields=["level", "name"])]

    def __str__(self):
        return f"{self.name} ({self.code})"


class LsoaIndicators(models.Model):
    """Deprivation, loneliness, need and population for one LSOA 2021."""

    lsoa = models.OneToOneField(Area, primary_key=True, on_delete=models.CASCADE, related_name="indicators")
    imd_score = models.FloatField()
    imd_rank = models.PositiveIntegerField(help_text="1 is the most deprived LSOA in England")
    imd_decile = models.PositiveSmallIntegerField(help_text="1 is the most deprived tenth")
    loneliness_pct = models.FloatField(help_text="Modelled % often or always lonely (Community Life Survey)")
    loneliness_decile = models.PositiveSmallIntegerField()
    cni_score = models.FloatField(null=True, blank=True, help_text="Community Needs Index 2023")
    cni_rank = models.PositiveIntegerField(null=True, blank=True, help_text="1 is the highest need")
    population = models.PositiveIntegerField(help_text="Census 2021 usual residents")

    class Meta:
        verbose_name_plural = "LSOA indicators"

    def __str__(self):
        return f"{self.lsoa_id}: IMD decile {self.imd_decile}"


class Postcode(models.Model):
    """A postcode's point and the areas that contain it (point in polygon, not best fit)."""

    postcode = models.CharField(max_length=8, primary_key=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    lsoa = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ward = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    local_authority = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Only for a postcode just outside the area covered: the borough nearest to it, to say where Kith begins.
    nearest_local_authority = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self):
        return self.postcode

    @property
    def inside(self) -> bool:
        """Inside the area this Kith covers: in one of its wards."""
        return self.ward_id is not None

    @property
    def is_geographic(self) -> bool:
        return self.lat is not None and self.lon is not None


class GeographyLoad(models.Model):
    """What was loaded and from which data files, so that a second load can skip the work."""

    loaded_at = models.DateTimeField(auto_now_add=True)
    checksum = models.CharField(max_length=64)
    with_cni = models.BooleanField(default=False)
    summary = models.JSONField(default=dict)

    class Meta:
        get_latest_by = "loaded_at"

    def __str__(self):
        return f"geography loaded {self.loaded_at:%Y-%m-%d %H:%M}"
