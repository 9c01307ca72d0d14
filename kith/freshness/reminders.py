"""Remind organisation editors before their listings go stale: one email per editor, once per listing and check."""

import datetime as dt

import numpy as np
from django.utils import timezone

from kith.accounts.models import Role, StaffProfile
from kith.core import mail
from kith.directory.models import Service
from kith.directory.search.index import get_index
from kith.freshness.models import DEFAULT_REVIEW_DAYS, Reminder, ReviewPeriod
from kith.freshness.stale import age_days, per_service, review_days


def due_soon(service_ids: list[int], *, within_days: int, now: dt.datetime) -> list[tuple[int, float]]:
    """(service id, days left) for active listings that go stale within `within_days` (or already have)."""
    index = get_index()
    rows = np.flatnonzero(np.isin(index.service_id, service_ids))
    periods = review_days(
        index.categories[rows],
        index.category_bit,
        dict(ReviewPeriod.objects.values_list("category__code", "days")),
        DEFAULT_REVIEW_DAYS,
    )
    ages = age_days(index.checked_at[rows], now.timestamp())
    listings = per_service(index.service_id[rows], ages, periods)
    return [(e.service_id, -e.overdue_days) for e in listings if -e.overdue_days <= within_days]


def send_reminders(*, within_days: int = 14, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    sent = 0
    queued: list[int] = []
    editors = StaffProfile.objects.filter(
        role=Role.ORGANISATION_EDITOR, organisation__isnull=False, user__is_active=True
    ).select_related("user", "organisation")
    for profile in editors:
        if not profile.user.email:
            continue
        ids = list(Service.objects.active().filter(organisation=profile.organisation).values_list("id", flat=True))
        soon = dict(due_soon(ids, within_days=within_days, now=now))
        if not soon:
            continue
        services = Service.objects.filter(id__in=soon).prefetch_related("checks").order_by("name")
        fresh = []
        for service in services:
            last = max((c.checked_at for c in service.checks.all()), default=None)
            _, made = Reminder.objects.get_or_create(editor=profile.user, service=service, last_checked_at=last)
            if made:
                fresh.append((service, soon[service.pk]))
        if not fresh:
            continue
        subject, body = mail.render(
            "freshness/email_reminder.txt", {"organisation": profile.organisation, "listings": fresh}
        )
        queued.append(mail.queue(subject, body, [profile.user.email], send_soon=False))
        sent += 1
    mail.deliver(queued)  # what cannot leave now stays in the outbox for `kith send-mail`
    return sent
