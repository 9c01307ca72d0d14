"""Keeping listings right: how long a check lasts, suggestions from the public, claims and change history."""

from django.conf import settings
from django.db import models
from django.utils import timezone

DEFAULT_REVIEW_DAYS = 180


class ReviewPeriod(models.Model):
    """How long a check of a listing in this category lasts before the listing is stale."""

    category = models.OneToOneField(
        "directory.TaxonomyTerm",
        on_delete=models.CASCADE,
        related_name="review_period",
        limit_choices_to={"parent": None},
    )
    days = models.PositiveSmallIntegerField(default=DEFAULT_REVIEW_DAYS)

    def __str__(self):
        return f"{self.category}: {self.days} days"


class Suggestion(models.Model):
    """A change or a closure reported by anyone from a listing's page, waiting for a person to decide."""

    class Kind(models.TextChoices):
        CHANGE = "change", "Something has changed"
        CLOSED = "closed", "It has closed for good"
        PAUSED = "paused", "It is closed for now"

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="suggestions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    details = models.TextField(max_length=2000)
    # Optional, for a question back; never shown publicly, cleared when the suggestion is decided.
    reply_to = models.EmailField(blank=True)
    made_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["made_at"]
        indexes = [models.Index(fields=["status", "made_at"], name="suggestion_queue")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.service_id}"


class ListingChange(models.Model):
    """One change to a listing, field by field, with who made it and how: the history staff see."""

    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(max_length=60)
    via = models.CharField(max_length=60, help_text="organisation editor, suggestion, staff")
    fields = models.JSONField(help_text="{field: [before, after]}")

    class Meta:
        ordering = ["-changed_at"]
        indexes = [models.Index(fields=["service", "-changed_at"], name="listing_history")]

    def __str__(self):
        return f"{self.service_id} {self.changed_at:%Y-%m-%d} by {self.role}"


class Claim(models.Model):
    """Someone asks to look after an organisation's listings: confirmed by email to the listing, or by an admin."""

    class Status(models.TextChoices):
        EMAILED = "emailed", "Confirmation link emailed"
        WAITING = "waiting", "Waiting for an administrator"
        CONFIRMED = "confirmed", "Confirmed"
        REFUSED = "refused", "Refused"

    organisation = models.ForeignKey("directory.Organisation", on_delete=models.CASCADE, related_name="claims")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    role_at_organisation = models.CharField(max_length=200, blank=True)
    made_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims"
    )

    class Meta:
        ordering = ["-made_at"]

    def __str__(self):
        return f"{self.name} for {self.organisation.name} ({self.get_status_display().lower()})"


class Reminder(models.Model):
    """An email to an organisation's editor that a listing is about to go stale: once per listing and check."""

    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="+")
    last_checked_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["editor", "service", "last_checked_at"], name="one_reminder_per_check")
        ]

    def __str__(self):
        return f"Reminder to {self.editor_id} about {self.service_id}"
