"""Group opportunities opened from interest pools, and their way from an idea to a running group."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Path(models.TextChoices):
    RUN = "run", "We run the group"
    SELF_ORGANISE = "self-organise", "We help the people set it up themselves"
    PARTNER = "partner", "A local organisation runs it with us"


class Stage(models.TextChoices):
    IDEA = "idea", "Idea"
    GATHERING = "gathering", "Gathering people"
    FIRST_MEETING = "first-meeting", "First meeting"
    RUNNING = "running", "Running"
    HANDED_OVER = "handed-over", "Handed over"


STAGE_ORDER = [s.value for s in Stage]


class GroupOpportunity(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="opportunities")
    ward = models.ForeignKey("geo.Area", on_delete=models.PROTECT, related_name="+", limit_choices_to={"level": "ward"})
    category = models.ForeignKey("directory.TaxonomyTerm", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    path = models.CharField(max_length=15, choices=Path.choices)
    partner = models.ForeignKey(
        "directory.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="partnered_groups"
    )
    stage = models.CharField(max_length=15, choices=Stage.choices, default=Stage.IDEA)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    # Once running, the group is a directory listing, marked as started through Kith.
    listing = models.OneToOneField(
        "directory.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="started_by"
    )

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["ward", "stage"], name="opportunity_board")]
        verbose_name_plural = "group opportunities"

    def __str__(self):
        return self.title


class OpportunityEvent(models.Model):
    """What happened: a note, a stage moved, a task added or done, a listing made."""

    opportunity = models.ForeignKey(GroupOpportunity, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.CharField(max_length=1000)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return self.text[:60]


class Task(models.Model):
    opportunity = models.ForeignKey(GroupOpportunity, on_delete=models.CASCADE, related_name="tasks")
    text = models.CharField(max_length=300)
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["done_at", "due_on", "id"]

    def __str__(self):
        return self.text


class PoolContact(models.Model):
    """Someone from the pool was contacted about the group: only people who agreed to be, and how it went."""

    class Method(models.TextChoices):
        PHONE = "phone", "Phone"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"
        IN_PERSON = "in-person", "In person"

    class Outcome(models.TextChoices):
        INTERESTED = "interested", "Interested"
        NOT_NOW = "not-now", "Not now"
        NO_ANSWER = "no-answer", "No answer yet"

    opportunity = models.ForeignKey(GroupOpportunity, on_delete=models.CASCADE, related_name="contacts")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="group_contacts")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=10, choices=Method.choices)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.person_id} about {self.opportunity_id}: {self.outcome}"
