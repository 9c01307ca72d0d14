"""Who staff are in Kith: their role, their team and the neighbourhoods they cover."""

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    LINK_WORKER = "link-worker", "Link worker"
    LEAD = "lead", "Neighbourhood lead"
    PROFESSIONAL = "professional", "Professional"
    ORGANISATION_EDITOR = "organisation-editor", "Organisation editor"
    PLANNER = "planner", "Planner"
    ADMINISTRATOR = "administrator", "Administrator"


class Profession(models.TextChoices):
    GP = "gp", "GP"
    PHYSIO = "physio", "Physiotherapist"
    SOCIAL_WORKER = "social-worker", "Social worker"
    DRUG_SERVICE = "drug-service", "Drug-service worker"
    OTHER = "other", "Other"


class Team(models.Model):
    """A social prescribing team: its people are its caseload; it covers some wards."""

    name = models.CharField(max_length=120, unique=True)
    wards = models.ManyToManyField("geo.Area", blank=True, related_name="teams", limit_choices_to={"level": "ward"})

    def __str__(self):
        return self.name


class StaffProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(max_length=20, choices=Role.choices)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    # Link workers are assigned to neighbourhoods as well as to a caseload.
    neighbourhoods = models.ManyToManyField(
        "geo.Area", blank=True, related_name="link_workers", limit_choices_to={"level": "ward"}
    )
    profession = models.CharField(max_length=20, choices=Profession.choices, blank=True)
    organisation = models.ForeignKey(
        "directory.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="editors"
    )

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"
