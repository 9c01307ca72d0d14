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
    """One row: how many times the directory has changed, and a random token for the latest change.

    The in-memory search index compares both with those it was built from. The version orders changes
    (writers take this row's lock, so versions commit in order); the token, random, tells a rolled-back
    write from a later one that reused its version.
    """

    token = models.CharField(max_length=32)
    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"directory state {self.version} {self.token}"


class DirectoryChange(models.Model):
    """One write to the directory: the services it touched, so that search indexes apply just those."""

    version = models.BigIntegerField(unique=True)
    token = models.CharField(max_length=32)
    # The ids of the services changed; null when the change reaches everything (taxonomy, a large import).
    services = models.JSONField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return f"directory change {self.version}"


class DemoBuild(models.Model):
    """The demo directory in this database: the seed and size it was built with."""

    seed = models.IntegerField()
    generated = models.PositiveIntegerField()
    built_at = models.DateTimeField(auto_now_add=True)
    counts = models.JSONField(default=dict)

    def __str__(self):
        return f"demo seed {self.seed} ({self.generated} generated)"
