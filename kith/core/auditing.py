"""Reading the audit trail: recent events, and accounts that were refused many reads in a short time."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from kith.core.models import AuditEvent

LOOK_BACK_DAYS = 7


@dataclass(frozen=True)
class Flag:
    username: str
    refused: int  # the most refusals inside one window
    first: dt.datetime
    last: dt.datetime


def refused_bursts(*, now=None, threshold=None, minutes=None) -> list[Flag]:
    """Accounts refused at least `threshold` reads within `minutes`, in the last week, worst first."""
    now = now or timezone.now()
    threshold = threshold or settings.KITH_AUDIT_REFUSED_ALERT
    window = dt.timedelta(minutes=minutes or settings.KITH_AUDIT_REFUSED_MINUTES)
    times = defaultdict(list)
    for username, at in (
        AuditEvent.objects.filter(action="refused", at__gte=now - dt.timedelta(days=LOOK_BACK_DAYS))
        .order_by("username", "at")
        .values_list("username", "at")
    ):
        times[username].append(at)
    flags = []
    for username, moments in times.items():
        best, start = (0, 0, 0), 0
        for end, at in enumerate(moments):
            while at - moments[start] > window:
                start += 1
            if end - start + 1 > best[0]:
                best = (end - start + 1, start, end)
        if best[0] >= threshold:
            flags.append(Flag(username, best[0], moments[best[1]], moments[best[2]]))
    return sorted(flags, key=lambda f: -f.refused)
