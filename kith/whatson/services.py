"""Digest subscriptions and the weekly send. All writes are here."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kith.core import mail
from kith.core.mail import render, send_on_commit
from kith.directory.search.engine import SearchQuery, search
from kith.whatson.models import DigestSubscription, _token
from kith.whatson.week import week

WARD_LIMIT = 2000


def subscribe(*, email: str, ward) -> DigestSubscription:
    """Ask for the digest: a confirmation link goes to the address; nothing is sent until it is opened."""
    email = email.strip().lower()
    with transaction.atomic():
        subscription, _ = DigestSubscription.objects.get_or_create(email=email, ward=ward)
        subscription.token, subscription.asked_at = _token(), timezone.now()
        subscription.save(update_fields=["token", "asked_at"])
        send_on_commit("whatson/email_confirm.txt", {"subscription": subscription}, [email])
    return subscription


def find(token: str) -> DigestSubscription | None:
    return DigestSubscription.objects.select_related("ward").filter(token=token).first()


def confirm(token: str) -> DigestSubscription | None:
    subscription = DigestSubscription.objects.select_related("ward").filter(token=token).first()
    if subscription is None:
        return None
    subscription.confirmed_at = subscription.confirmed_at or timezone.now()
    subscription.unsubscribed_at = None
    subscription.save(update_fields=["confirmed_at", "unsubscribed_at"])
    return subscription


def unsubscribe(token: str) -> DigestSubscription | None:
    """Stop the digest and forget the address: the row is deleted, and the page is shown from the copy."""
    subscription = DigestSubscription.objects.select_related("ward").filter(token=token).first()
    if subscription is not None:
        subscription.unsubscribed_at = timezone.now()
        DigestSubscription.objects.filter(pk=subscription.pk).delete()
    return subscription


def forget_unconfirmed(*, days: int = 7) -> int:
    """Addresses whose owner never opened the confirmation link are not kept."""
    cutoff = timezone.now() - dt.timedelta(days=days)
    return DigestSubscription.objects.filter(confirmed_at__isnull=True, asked_at__lt=cutoff).delete()[0]


def ward_week(ward, first: dt.date, category: str = ""):
    hits = search(SearchQuery(area=ward, category=category, scheduled=True, per_page=WARD_LIMIT)).hits
    return week(hits, first)


def send_digests(*, today: dt.date | None = None) -> int:
    """Email each confirmed subscriber the next seven days in their ward, once a week at most."""
    today = today or timezone.localdate()
    forget_unconfirmed()
    due = (
        DigestSubscription.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
        .exclude(last_sent_on__gt=today - dt.timedelta(days=7))
        .select_related("ward")
        .order_by("ward_id", "id")
    )
    weeks: dict[str, list] = {}
    sent = 0
    queued: list[int] = []
    for subscription in due:
        if subscription.ward_id not in weeks:
            weeks[subscription.ward_id] = ward_week(subscription.ward, today)
        days = weeks[subscription.ward_id]
        unsubscribe_url = f"{settings.KITH_BASE_URL}/whats-on/digest/unsubscribe/{subscription.token}/"
        subject, body = render(
            "whatson/email_digest.txt",
            {"ward": subscription.ward, "days": days, "unsubscribe": unsubscribe_url, "first": today},
        )
        headers = {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        # In the outbox with its week marked sent, together: a digest the mail server refuses is tried again.
        with transaction.atomic():
            queued.append(mail.queue(subject, body, [subscription.email], headers=headers, send_soon=False))
            DigestSubscription.objects.filter(pk=subscription.pk).update(last_sent_on=today)
        sent += 1
    mail.deliver(queued)
    return sent
