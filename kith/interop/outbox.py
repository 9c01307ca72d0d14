"""Responses to referrers: written with the decision that caused them, then sent by the job queue.

As the email outbox (kith.core.mail): the row is written in the decision's transaction; once that commits a
job sends it at once (`kith worker`), and the minutely `send-responses` job tries again what could not be sent,
with growing waits. A referrer that refuses a message (a 4xx other than 408 and 429) is not sent it again; an
administrator can, from the outbox page, once the cause is mended.
"""

import datetime as dt
import logging
import uuid

import httpx
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kith.core import audit
from kith.interop import responses
from kith.interop.models import ReceivedMessage, ReferringOrganisation, SentMessage
from kith.people import sharing

logger = logging.getLogger(__name__)

RETRY_AFTER = [dt.timedelta(minutes=m) for m in (1, 5, 30, 120, 720)]
TIMEOUT = httpx.Timeout(15.0, connect=5.0)
RETRYABLE = {408, 429}


def _endpoint(system, organisation: str) -> str:
    found = ReferringOrganisation.objects.filter(system=system, ods_code=organisation).first() if organisation else None
    return found.endpoint if found else system.response_endpoint


def queue_response(referral_id: int, kind: str) -> SentMessage | None:
    """A response for a referral that came from a connected system (None for any other referral)."""
    received = (
        ReceivedMessage.objects.select_related("system")
        .filter(referral_id=referral_id, outcome=ReceivedMessage.Outcome.ACCEPTED, reason="new")
        .first()
    )
    if received is None:
        return None
    system = received.system
    outcome = sharing.referrer_outcome(referral_id, system=system.name)
    endpoint = _endpoint(system, outcome.referral.external_organisation)
    message_id = uuid.uuid4()
    sent = SentMessage.objects.create(
        message_id=message_id,
        system=system,
        referral_id=referral_id,
        kind=kind,
        endpoint=endpoint,
        body=responses.response(
            kind, outcome, answering=received.message_id, destination=endpoint, message_id=str(message_id)
        ),
        summary=responses.summary_of(kind, outcome),
        next_attempt_at=timezone.now(),
        answer="" if endpoint else "No endpoint for this referrer: add one to the connected system in the admin.",
    )
    audit.record(
        user=None, username=f"(system: {system.name})", action="create", what="response to referrer",
        object_id=sent.pk, kind=kind, referral=referral_id,
    )  # fmt: skip
    if endpoint:
        transaction.on_commit(lambda: _send_soon([sent.pk]), robust=True)
    return sent


def _send_soon(ids: list[int]) -> None:
    from kith.interop.tasks import send_responses_now

    send_responses_now(ids)


def due(now: dt.datetime) -> Q:
    return Q(sent_at__isnull=True, gave_up_at__isnull=True, next_attempt_at__lte=now) & ~Q(endpoint="")


def deliver(ids: list[int] | None = None, *, now: dt.datetime | None = None, client: httpx.Client | None = None) -> int:
    """Send the due responses (or those of `ids`); how many the referrers took. Safe to run side by side: each
    is claimed by moving its next attempt on before it is sent."""
    now = now or timezone.now()
    waiting = SentMessage.objects.filter(due(now))
    if ids is not None:
        waiting = waiting.filter(pk__in=ids)
    taken = 0
    own = client is None
    client = client or httpx.Client(timeout=TIMEOUT, follow_redirects=False)
    try:
        for message in waiting.order_by("id"):
            wait = RETRY_AFTER[min(message.attempts, len(RETRY_AFTER) - 1)]
            claimed = SentMessage.objects.filter(due(now), pk=message.pk, attempts=message.attempts).update(
                attempts=message.attempts + 1, next_attempt_at=now + wait
            )
            if claimed:
                taken += _send(client, message, tries=message.attempts + 1)
    finally:
        if own:
            client.close()
    return taken


def _send(client: httpx.Client, message: SentMessage, *, tries: int) -> bool:
    try:
        answer = client.post(
            message.endpoint,
            content=message.body.encode(),
            headers={"Content-Type": "application/fhir+json", "X-Request-ID": str(message.message_id)},
        )
    except httpx.HTTPError as error:
        return _not_sent(message, f"Could not reach the referrer: {error}"[:300], tries=tries, final=False)
    if answer.is_success:
        SentMessage.objects.filter(pk=message.pk).update(
            sent_at=timezone.now(), body="", answer=f"Taken ({answer.status_code})"
        )
        audit.record(
            user=None, username=f"(system: {message.system.name})", action="send", what="response to referrer",
            object_id=message.pk, status=answer.status_code,
        )  # fmt: skip
        return True
    said = _diagnostics(answer)
    final = 400 <= answer.status_code < 500 and answer.status_code not in RETRYABLE
    return _not_sent(
        message, f"The referrer answered {answer.status_code}{': ' + said if said else ''}", tries=tries, final=final
    )


def _not_sent(message: SentMessage, why: str, *, tries: int, final: bool) -> bool:
    logger.warning("Response %s not sent (try %d): %s", message.pk, tries, why)
    gave_up = timezone.now() if final or tries > len(RETRY_AFTER) else None
    SentMessage.objects.filter(pk=message.pk).update(answer=why[:300], gave_up_at=gave_up)
    return False


def _diagnostics(answer: httpx.Response) -> str:
    """The OperationOutcome's diagnostics, if the referrer sent one."""
    try:
        issues = answer.json().get("issue") or []
    except ValueError:
        return ""
    return "; ".join(str(i.get("diagnostics") or "") for i in issues if isinstance(i, dict))[:200]


@transaction.atomic
def try_again(message: SentMessage, *, user) -> SentMessage:
    """An administrator sends a failed or unsent response again, to the referrer's endpoint as it is now."""
    message = SentMessage.objects.select_for_update().get(pk=message.pk)
    if message.sent_at:
        return message
    organisation = message.referral.external_organisation if message.referral_id else ""
    endpoint = _endpoint(message.system, organisation)
    message.endpoint, message.gave_up_at, message.attempts = endpoint, None, 0
    message.next_attempt_at = timezone.now()
    message.answer = "" if endpoint else "No endpoint for this referrer: add one to the connected system in the admin."
    message.save(update_fields=["endpoint", "gave_up_at", "attempts", "next_attempt_at", "answer"])
    audit.record(user=user, action="update", what="response to referrer", object_id=message.pk, retried=True)
    if endpoint:
        transaction.on_commit(lambda: _send_soon([message.pk]), robust=True)
    return message


def waiting() -> int:
    return SentMessage.objects.filter(due(timezone.now() + dt.timedelta(days=365))).count()
