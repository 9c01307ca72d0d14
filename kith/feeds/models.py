"""Where imported records come from, each run of an import, and what could not be taken."""

from django.conf import settings
from django.db import models


class Source(models.Model):
    class Kind(models.TextChoices):
        ORUK_V1 = "oruk-v1", "Open Referral UK v1 API"
        ORUK_V3 = "oruk", "Open Referral UK / HSDS 3.0 API"
        HSDS_PACKAGE = "hsds-package", "HSDS tabular data package"
        OPENACTIVE = "openactive", "OpenActive RPDE feed"
        ICAL = "ical", "iCalendar feed"
        RSS = "rss", "RSS or Atom feed"
        CSV = "csv", "Kith CSV template"
        # Written by `kith demo-data` through the same writer, never harvested: its records are marked as demo.
        DEMO = "demo", "Kith's demo directory"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    location = models.CharField(
        max_length=1000,
        help_text="An http(s) address; or, set by an administrator, a file in the import folder, or "
        "packaged:<path> for a data file Kith ships",
    )
    every_hours = models.PositiveIntegerField(default=24, help_text="How often `kith harvest` runs it")
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=20, blank=True)
    # Held while a run of this source is going, so two harvests never run it at once; it expires, so a
    # run that was killed does not block the next one for ever.
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "location"], name="one_source_per_location")]

    def __str__(self):
        return self.name

    @property
    def key(self) -> str:
        """What directory records store in their `source` field."""
        return f"{self.kind}:{self.pk}"


class ImportRun(models.Model):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, default="running", help_text="running, done, failed")
    error = models.TextField(blank=True)
    counts = models.JSONField(default=dict, blank=True)
    # Active services of the source with no place after the run: off maps, distance searches and the gap method.
    unplaced = models.PositiveIntegerField(default=0)
    # A run still "running" after this was stopped part-way (killed, or the machine restarted).
    deadline_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M} {self.shown_status}"

    OVERDUE = (
        "It did not finish by its deadline, so it was probably stopped part-way. Nothing it had not finished was kept."
    )

    @property
    def shown_status(self) -> str:
        """The status as people should read it: a run past its deadline has failed, whatever the row says."""
        from django.utils import timezone

        if self.status == "running" and self.deadline_at and self.deadline_at < timezone.now():
            return "failed"
        return self.status

    @property
    def shown_error(self) -> str:
        return self.OVERDUE if self.shown_status != self.status else self.error


class Problem(models.Model):
    """A record that was quarantined (not imported), or a field that was dropped from one that was."""

    class Severity(models.TextChoices):
        QUARANTINED = "quarantined", "Not imported"
        FIELD_DROPPED = "field-dropped", "Imported without a field"

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="problems")
    severity = models.CharField(max_length=20, choices=Severity.choices)
    source_id = models.CharField(max_length=200, blank=True)
    record_name = models.CharField(max_length=300, blank=True)
    reason = models.TextField()
    payload = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["run", "id"]

    def __str__(self):
        return f"{self.get_severity_display()}: {self.reason[:60]}"


class PossibleDuplicateQuerySet(models.QuerySet):
    def waiting(self):
        """Pairs nobody has decided whose organisations are both still themselves (neither folded elsewhere)."""
        return self.filter(
            decided="", second__isnull=False, first__folded_into__isnull=True, second__folded_into__isnull=True
        )


class PossibleDuplicate(models.Model):
    """Two organisations from different sources that may be the same: a person decides."""

    first = models.ForeignKey("directory.Organisation", on_delete=models.CASCADE, related_name="+")
    # Null only for folds decided before Kith kept the folded organisation (it was deleted then).
    second = models.ForeignKey(
        "directory.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    folded_name = models.CharField(max_length=300, blank=True, help_text="The second's name, kept when it was folded")
    reason = models.CharField(max_length=300)
    decided = models.CharField(max_length=20, blank=True, help_text="same, different, or empty while undecided")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # What a fold moved from the second to the first (ids by kind), so that undoing it moves exactly those back.
    moved = models.JSONField(default=dict, blank=True)

    objects = PossibleDuplicateQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["first", "second"], name="one_duplicate_pair")]

    def __str__(self):
        return f"{self.first} ~ {self.second}"


class OrganisationLink(models.Model):
    """Another source's id for an organisation Kith already has: the same organisation, linked as one."""

    organisation = models.ForeignKey("directory.Organisation", on_delete=models.CASCADE, related_name="links")
    source = models.CharField(max_length=60)
    source_id = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "source_id"], name="one_link_per_source_id")]

    def __str__(self):
        return f"{self.source}:{self.source_id} → {self.organisation_id}"


class NewsItem(models.Model):
    """An undated item from a newsletter's RSS or Atom feed: news, not an event."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="news")
    guid = models.CharField(max_length=500, help_text="The item's id in its feed (RSS guid, Atom id) or its link")
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=300, blank=True, help_text="The feed's own title")
    summary = models.TextField(blank=True)
    link = models.URLField(max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    harvested_at = models.DateTimeField()
    active = models.BooleanField(default=True, help_text="False once the feed no longer carries it")

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["source", "guid"], name="one_news_item_per_guid")]
        indexes = [models.Index(fields=["active", "-published_at"], name="news_latest")]

    def __str__(self):
        return self.title
