"""Systems allowed to send referrals (GP systems, integration engines), and every message they sent."""

from django.db import models


class ConnectedSystem(models.Model):
    """A system that may post BaRS messages: its key is shown once and kept only as a hash."""

    name = models.CharField(max_length=200)
    ods_code = models.CharField(max_length=12, blank=True, help_text="The sending organisation's ODS code")
    response_endpoint = models.URLField(
        blank=True,
        help_text="Where Kith sends responses ($process-message), for referrers without their own endpoint below",
    )
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


class ReferringOrganisation(models.Model):
    """A practice or service that refers through a connected system, and where its responses go."""

    system = models.ForeignKey(ConnectedSystem, on_delete=models.CASCADE, related_name="organisations")
    ods_code = models.CharField(max_length=12, help_text="The referrer's ODS code, as its messages give it")
    name = models.CharField(max_length=200, blank=True)
    endpoint = models.URLField(help_text="Where Kith sends this referrer's responses ($process-message)")

    class Meta:
        ordering = ["ods_code"]
        constraints = [models.UniqueConstraint(fields=["system", "ods_code"], name="one_endpoint_per_referrer")]

    def __str__(self):
        return f"{self.name or self.ods_code} ({self.ods_code})"


class SentMessage(models.Model):
    """A response to a referrer (accepted, declined, closing summary), sent by the job queue and tried again if
    it cannot be; written in the transaction of the decision it tells of. Its body, which names the person, is
    kept only until the referrer has it."""

    class Kind(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        CLOSED = "closed", "Closing summary"

    message_id = models.UUIDField(unique=True)
    system = models.ForeignKey(ConnectedSystem, on_delete=models.PROTECT, related_name="sent")
    referral = models.ForeignKey("people.Referral", null=True, on_delete=models.SET_NULL, related_name="responses")
    # Who sees it, and for whom it is: kept here so the outbox page reads no one's referral.
    team = models.ForeignKey("accounts.Team", null=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.CharField(max_length=12, blank=True, help_text="The referrer's ODS code")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    endpoint = models.URLField(blank=True)
    body = models.TextField(blank=True)
    summary = models.CharField(max_length=300, help_text="What was said, without naming the person")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    gave_up_at = models.DateTimeField(null=True, blank=True, help_text="Refused by the referrer, or out of tries")
    answer = models.CharField(
        max_length=300, blank=True, help_text="The referrer's answer, or why it could not be sent"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["team", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.state})"

    @property
    def state(self) -> str:
        if self.sent_at:
            return "sent"
        if self.gave_up_at:
            return "failed"
        return "waiting" if self.endpoint else "no-endpoint"
