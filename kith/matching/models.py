"""Connections between a person and a service, and the lists people take away."""

import secrets

from django.conf import settings
from django.db import models

from kith.people.stages import ENDED, ConnectionStatus

__all__ = ["ENDED", "Connection", "ConnectionStatus", "ConnectionUpdate", "ShareableList", "ShareableListItem"]


class Connection(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="connections")
    service = models.ForeignKey("directory.Service", on_delete=models.PROTECT, related_name="connections")
    status = models.CharField(max_length=15, choices=ConnectionStatus.choices, default=ConnectionStatus.SUGGESTED)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status_changed_at = models.DateTimeField()
    follow_up_on = models.DateField(null=True, blank=True, db_index=True)
    reason = models.CharField(max_length=300, blank=True, help_text="Why it stopped or did not suit")
    persons_words = models.TextField(blank=True, help_text="How it went, in the person's own words")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "service"], name="one_connection_per_service")]
        indexes = [models.Index(fields=["status", "follow_up_on"])]

    def __str__(self):
        return f"connection {self.pk} ({self.status})"


class ConnectionUpdate(models.Model):
    """Each change of status, kept so the history of a connection can be read."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=15, choices=ConnectionStatus.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.status} at {self.at:%Y-%m-%d}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class ShareableList(models.Model):
    """Chosen activities a person can take away: a page behind an unguessable, expiring link."""

    token = models.CharField(max_length=64, unique=True, default=new_token)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="shared_lists")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"shared list {self.pk}"


class ShareableListItem(models.Model):
    shared_list = models.ForeignKey(ShareableList, on_delete=models.CASCADE, related_name="items")
    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return f"{self.position}. {self.service_id}"
