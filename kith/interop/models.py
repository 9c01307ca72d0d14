"""Systems allowed to send referrals (GP systems, integration engines), and every message they sent."""

from django.db import models


class ConnectedSystem(models.Model):
    """A system that may post BaRS messages: its key is shown once and kept only as a hash."""

    name = models.CharField(max_length=200)
    ods_code = models.CharField(max_length=12, blank=True, help_text="The sending organisation's ODS code")
    key_prefix = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ReceivedMessage(models.Model):
    """One message taken or refused; its id makes a replay a conflict, not a second referral."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Taken"
        REFUSED = "refused", "Refused"

    message_id = models.CharField(max_length=100, unique=True)
    system = models.ForeignKey(ConnectedSystem, on_delete=models.PROTECT, related_name="messages")
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    reason = models.CharField(max_length=20, blank=True)  # new, update, delete
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    detail = models.CharField(max_length=500, blank=True)
    referral = models.ForeignKey(
        "people.Referral", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.message_id} ({self.outcome})"
