"""The audit trail: every read and write of a person's data, who did it and when."""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        READ = "read", "read"
        CREATE = "create", "create"
        UPDATE = "update", "update"
        DELETE = "delete", "delete"
        EXPORT = "export", "export"
        ERASE = "erase", "erase"
        SHARE = "share", "share"
        SIGN_IN = "sign-in", "signed in"
        SIGN_IN_FAILED = "sign-in-failed", "sign-in refused"
        REFUSED = "refused", "refused read"
        SECURITY = "security", "sign-in settings changed"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too, so the trail still says who after an account is deleted.
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    what = models.CharField(max_length=60, help_text="e.g. person, wellbeing, consent, note")
    object_id = models.CharField(max_length=64, blank=True)
    person = models.UUIDField(null=True, blank=True, db_index=True, help_text="The person whose data it was")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["person", "-at"]), models.Index(fields=["action", "username", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.what} {self.object_id}"


class OutboxEmail(models.Model):
    """An email to send, or sent lately: written in the same transaction as the change it tells of, so none is
    lost when the mail server is down and none leaves for a change that was rolled back (kith.core.mail)."""

    to = models.JSONField()
    subject = models.CharField(max_length=998)
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.CharField(max_length=300, blank=True)

    def __str__(self):
        return f"{self.subject} ({'sent' if self.sent_at else 'waiting'})"


class Job(models.Model):
    """A scheduled or background job (kith.core.jobs): whether it is running, and how its last run went.

    Claiming `running_since` is the guard that keeps two workers from running one job at once; a claim older
    than the job's limit is taken to be a worker that died mid-run."""

    name = models.CharField(max_length=60, primary_key=True)
    running_since = models.DateTimeField(null=True, blank=True)
    runs = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0, help_text="Times it was due while another run still ran.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    succeeded = models.BooleanField(null=True)
    summary = models.CharField(max_length=300, blank=True)

    def __str__(self):
        return self.name
