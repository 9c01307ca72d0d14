"""People who get the weekly neighbourhood digest by email: double opt-in, one-click unsubscribe."""

import secrets

from django.db import models
from django.utils import timezone


def _token() -> str:
    return secrets.token_urlsafe(24)


class DigestSubscription(models.Model):
    email = models.EmailField()
    ward = models.ForeignKey("geo.Area", on_delete=models.CASCADE, related_name="+", limit_choices_to={"level": "ward"})
    # The secret in the confirm and unsubscribe links; a new one on each subscribe request.
    token = models.CharField(max_length=64, unique=True, default=_token)
    asked_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    last_sent_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["email", "ward"], name="one_subscription_per_ward")]

    def __str__(self):
        return f"{self.email} → {self.ward_id}"

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None
