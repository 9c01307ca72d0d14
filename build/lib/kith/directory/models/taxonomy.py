from django.db import models

from kith.directory.models.base import HsdsRecord


class Taxonomy(HsdsRecord):
    name = models.CharField(max_length=200)
    description = models.TextField()
    uri = models.URLField(blank=True, max_length=500)
    version = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name_plural = "taxonomies"

    def __str__(self):
        return self.name


class TaxonomyTermQuerySet(models.QuerySet):
    def what_matters(self):
        """The top-level wellbeing wants ("being active", "friendship"...), in display order."""
        return self.filter(taxonomy__source_id="kith-what-matters", parent__isnull=True).order_by("position")


class TaxonomyTerm(HsdsRecord):
    code = models.CharField(max_length=120, blank=True, db_index=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.CASCADE, related_name="terms")
    language = models.CharField(max_length=10, blank=True, default="en")
    term_uri = models.URLField(blank=True, max_length=500)
    # Order of the top-level wants on pages; also the bit a want takes in the search index.
    position = models.PositiveSmallIntegerField(default=0)

    objects = TaxonomyTermQuerySet.as_manager()

    class Meta:
        ordering = ["taxonomy", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["taxonomy", "code"], name="unique_term_code_per_taxonomy")]

    def __str__(self):
        return self.name


class Attribute(HsdsRecord):
    """HSDS attribute: links a taxonomy term to any directory record (service, location...)."""

    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=models.CASCADE, related_name="attributes")
    link_entity = models.CharField(max_length=40, help_text="service, location, organization...")
    link_id = models.UUIDField(help_text="HSDS id of the linked record")
    link_type = models.CharField(max_length=60, blank=True, default="category")
    value = models.CharField(max_length=200, blank=True)
    label = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["link_entity", "link_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["link_entity", "link_id", "taxonomy_term"], name="unique_attribute_per_record_term"
            )
        ]

    def __str__(self):
        return f"{self.link_entity} {self.link_id} → {self.taxonomy_term}"
