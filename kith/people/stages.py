"""The stages of a connection between a person and a service, as their record tells them.

Defined here, below matching, because the caseload and record pages read them; matching's Connection uses them.
"""

from django.db import models


class ConnectionStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    CONTACTED = "contacted", "Contacted"
    TRIED = "tried", "Tried it"
    ATTENDING = "attending", "Attending"
    STOPPED = "stopped", "Stopped"
    NOT_SUITABLE = "not-suitable", "Not suitable"


ENDED = {ConnectionStatus.STOPPED, ConnectionStatus.NOT_SUITABLE}
