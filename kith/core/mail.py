"""Kith's emails: a template whose first line is the subject, queued in an outbox with the change that caused it.

The outbox row is written in the change's own transaction; after it commits, a job is queued that sends it
at once (`kith worker`), and one that could not be sent (the mail server down, the queue unreachable) is
tried again by the minutely `send-mail` job, or `kith send-mail`, with growing waits. An email
is sent at least once and, but for a crash between sending and recording it, exactly once.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from kith.core.models import OutboxEmail

logger = logging.getLogger(__name__)

# After the first try: 1 minute, 5 minutes, half an hour, 2 hours, 12 hours; then it waits for a person.
RETRY_AFTER = [dt.timedelta(minutes=m) for m in (1, 5, 30, 120, 720)]
KEEP_SENT = dt.timedelta(days=7)  # bodies can name people: sent emails are not kept longer than this


def render(template: str, context: dict) -> tuple[str, str]:
    subject, _, body = render_to_string(template, {**context, "base": settings.KITH_BASE_URL}).strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def queue(subject: str, body: str, to: list[str], *, headers: dict | None = None, send_soon: bool = True) -> int:
    """Put an email in the outbox, in the caller's transaction; with send_soon, a worker sends it once that commits."""
    email = OutboxEmail.objects.create(
        to=list(to), subject=subject, body=body, headers=headers or {}, next_attempt_at=timezone.now()
    )
    if send_soon:
        # Robust: the change has committed whatever the queue says; the minutely sweep sends what this missed.
        transaction.on_commit(lambda: _send_soon([email.pk]), robust=True)
    return email.pk


def _send_soon(ids: list[int]) -> None:
    from kith.core.tasks import send_mail_now

    send_mail_now(ids)


def send_on_commit(template: str, context: dict, to: list[str]) -> None:
    """Queue the email; it leaves once the transaction commits, and is tried again if it cannot."""
    subject, body = render(template, context)
    queue(subject, body, to)


def deliver(ids: list[int] | None = None, *, now: dt.datetime | None = None) -> int:
    """Send the outbox's due emails (or those of `ids` that are due); how many left. Safe to run in parallel:
    each email is claimed by moving its next attempt on before it is sent."""
    now = now or timezone.now()
    due = OutboxEmail.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now, attempts__lte=len(RETRY_AFTER))
    if ids is not None:
        due = due.filter(pk__in=ids)
    sent = 0
    connection = None
    try:
        for email in due.order_by("id"):
            wait = RETRY_AFTER[min(email.attempts, len(RETRY_AFTER) - 1)]
            claimed = OutboxEmail.objects.filter(
                pk=email.pk, sent_at__isnull=True, attempts=email.attempts, next_attempt_at__lte=now
            ).update(attempts=email.attempts + 1, next_attempt_at=now + wait)
            if not claimed:
                continue  # another sender has it
            try:
                connection = connection or get_connection()
                message = EmailMessage(email.subject, email.body, to=email.to, headers=email.headers)
                message.connection = connection
                message.send()
            except OSError as error:
                logger.warning("Could not send email %s (try %d): %s", email.pk, email.attempts + 1, error)
                OutboxEmail.objects.filter(pk=email.pk).update(last_error=str(error)[:300])
                connection = None
                continue
            OutboxEmail.objects.filter(pk=email.pk).update(sent_at=timezone.now(), last_error="")
            sent += 1
    finally:
        if connection is not None:
            connection.close()
    if ids is None:
        OutboxEmail.objects.filter(sent_at__lt=now - KEEP_SENT).delete()
    return sent


def waiting() -> int:
    """Emails not yet sent, including those that have run out of tries."""
    return OutboxEmail.objects.filter(sent_at__isnull=True).count()
