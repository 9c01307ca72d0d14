"""Questions professionals ask the locality's link workers, and public searches that found nothing.

Both are demand data: what people need in a neighbourhood, whether or not anything was there.
Neither holds anything that identifies the person the question is about.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Enquiry(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Waiting for an answer"
        ANSWERED = "answered", "Answered"

    class Outcome(models.TextChoices):
        FOUND = "found", "Something suitable found"
        NOTHING = "nothing", "Nothing suitable within reach"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enquiries")
    ward = models.ForeignKey("geo.Area", on_delete=models.PROTECT, related_name="+", limit_choices_to={"level": "ward"})
    category = models.ForeignKey(
        "directory.TaxonomyTerm", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    need = models.TextField(max_length=1000, help_text="The need, in the professional's words; never who it is")
    barriers = models.JSONField(default=list, blank=True, help_text="Barrier kinds, as in a person's record")
    asked_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(help_text="The turnaround target, in working days from asked_at")
    routed_to = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="enquiries_to_answer")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True, max_length=3000)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    listings = models.ManyToManyField("directory.Service", blank=True, related_name="+")

    class Meta:
        ordering = ["-asked_at"]
        indexes = [
            models.Index(fields=["ward", "status", "due_at"], name="enquiry_queue"),
            models.Index(fields=["asked_by", "-asked_at"], name="enquiry_mine"),
        ]
        verbose_name_plural = "enquiries"

    def __str__(self):
        return f"Enquiry {self.asked_at:%Y-%m-%d} in {self.ward_id}"

    @property
    def late(self) -> bool:
        end = self.answered_at or timezone.now()
        return end > self.due_at


class UnmetSearch(models.Model):
    """A public directory search that found nothing: the words, category and area; no IP, no time of day."""

    searched_on = models.DateField(default=timezone.localdate, db_index=True)
    words = models.CharField(max_length=200, blank=True)
    category = models.CharField(max_length=120, blank=True)
    area = models.ForeignKey("geo.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-searched_on", "-id"]
        verbose_name_plural = "unmet searches"

    def __str__(self):
        return f"{self.searched_on}: {self.words or self.category or 'anything'} in {self.area_id or 'anywhere'}"
