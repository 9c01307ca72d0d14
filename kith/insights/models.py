"""The adequacy standard per category and the priority weights, editable by an administrator."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class AdequacyStandard(models.Model):
    category = models.CharField(max_length=60, unique=True, help_text="A top-level 'what matters' code, e.g. active")
    catchment_m = models.PositiveIntegerField(
        default=1600,
        validators=[MinValueValidator(100), MaxValueValidator(50_000)],
        help_text="How far people are expected to go, in metres",
    )
    minimum_within_reach = models.PositiveSmallIntegerField(default=1, help_text="Assets within reach of every LSOA")
    per_1000_residents = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="And this much capacity per 1,000 residents within reach",
    )

    def __str__(self):
        return f"{self.category}: {self.minimum_within_reach} within {self.catchment_m} m"


class PriorityWeights(models.Model):
    """One row: how much deprivation, loneliness and community need raise priority."""

    deprivation = models.FloatField(default=1.0, validators=[MinValueValidator(0)])
    loneliness = models.FloatField(default=1.0, validators=[MinValueValidator(0)])
    community_need = models.FloatField(default=1.0, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name_plural = "priority weights"

    def __str__(self):
        return f"deprivation {self.deprivation}, loneliness {self.loneliness}, community need {self.community_need}"
