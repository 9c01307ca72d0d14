import uuid

from django.db import models


class HsdsRecord(models.Model):
    """Fields every directory record carries: its HSDS id, provenance and timestamps."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False, verbose_name="HSDS id")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Where the record came from: "demo", "admin", or an import source; and its id there.
    source = models.CharField(max_length=60, blank=True, db_index=True)
    source_id = models.CharField(max_length=200, blank=True)
    is_demo = models.BooleanField(default=False, help_text="Generated demo data, not a real listing")
    harvested_at = models.DateTimeField(null=True, blank=True, help_text="When an import last saw it")
    # A digest of the record as the source last sent it: an unchanged record is not written again.
    source_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        abstract = True


class DirectoryState(models.Model):
    """One row whose token changes with every write to the directory.

    The in-memory search index compares it to the token it was built from. A random token,
    not a counter, so that a rolled-back write can never look like a later one.
    """

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"directory state {self.token}"


class DemoBuild(models.Model):
    """The demo directory in this database: the seed and size it was built with."""

    seed = models.IntegerField()
    generated = models.PositiveIntegerField()
    built_at = models.DateTimeField(auto_now_add=True)
    counts = models.JSONField(default=dict)

    def __str__(self):
        return f"demo seed {self.seed} ({self.generated} generated)"
