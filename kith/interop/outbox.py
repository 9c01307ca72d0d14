"""Responses to referrers: written with the decision that caused them, then sent by the job queue.

As the email outbox (kith.core.mail): the row is written in the decision's transaction; once that commits a
job sends it at once (`kith worker`), and the minutely `send-responses` job tries again what could not be sent,
with growing waits. A referrer that refuses a message (a 4xx other than 408 and 429) is not sent it again; an
administrator or lead can, from the outbox page, once the cause is mended. A referral's responses leave in the
order they were written. The body, which names the person, is kept only while it may still be sent.
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
NO_ENDPOINT = "No endpoint for this referrer: add one to the connected system in the admin."


def _endpoint(system, organisation: str) -> str:
    found = ReferringOrganisation.objects.filter(system=system, ods_code=organisation).first() if organisation else None
    return found.endpoint if found else system.response_endpoint


def _received(referral_id: int):
    return (
        ReceivedMessage.objects.select_related("system")
        .filter(referral_id=referral_id, outcome=ReceivedMessage.Outcome.ACCEPTED, reason="new")
        .first()
    )


def _build(message: SentMessage, received, outcome=None) -> None:
    """The message's body and summary from the referral as it is now (raises if it cannot be built)."""
    outcome = outcome or sharing.referrer_outcome(message.referral_id, system=message.system.name)
    message.body = responses.response(
        message.kind,
        outcome,
        answering=received.message_id,
        destination=message.endpoint,
        message_id=str(message.message_id),
    )
    message.summary = responses.summary_of(message.kind, outcome)


def queue_response(referral_id: int, kind: str) -> SentMessage | None:
    """A response for a referral that came from a connected system (None for any other, or a second summary).

    Never fails the decision that caused it: a response that cannot be built is recorded as not sent, and said."""
    received = _received(referral_id)
    if received is None:
        return None
    if kind == "closed" and SentMessage.objects.filter(referral_id=referral_id, kind=kind).exists():
        return None  # one closing summary per referral: a record reopened and closed again sends no second
    system = received.system
    outcome = sharing.referrer_outcome(referral_id, system=system.name)
    referral = outcome.referral
    message = SentMessage(
        message_id=uuid.uuid4(),
        system=system,
        referral_id=referral_id,
        team_id=referral.team_id,
        organisation=referral.external_organisation,
        kind=kind,
        endpoint=_endpoint(system, referral.external_organisation),
        next_attempt_at=timezone.now(),
    )
    if not message.endpoint:
        message.summary, message.answer = f"{message.get_kind_display()}: not written yet.", NO_ENDPOINT
    else:
        try:
            with transaction.atomic():
                _build(message, received, outcome)
        except Exception as error:  # the care decision stands; this response waits for a person to look
            logger.exception("Response %s for referral %s could not be built.", kind, referral_id)
            message.body, message.summary = "", f"{message.get_kind_display()}: could not be written."
            message.gave_up_at, message.answer = timezone.now(), f"Kith could not write it: {error}"[:300]
    message.save()
    audit.record(
        user=None, username=f"(system: {system.name})", action="create", what="response to referrer",
        object_id=message.pk, kind=kind, referral=referral_id,
    )  # fmt: skip
    if message.body:
        transaction.on_commit(lambda: _send_soon([message.pk]), robust=True)
    return message


def _send_soon(ids: list[int]) -> None:
    from kith.interop.tasks import send_responses_now

    send_responses_now(ids)


def due(now: dt.datetime) -> Q:
    return Q(sent_at__isnull=True, gave_up_at__isnull=True, next_attempt_at__lte=now) & ~Q(endpoint="")


def deliver(ids: list[int] | None = None, *, now: dt.datetime | None = None, client: httpx.Client | None = None) -> int:
    """Send the due responses (or those of `ids`); how many the referrers took. Safe to run side by side: each
    is claimed by moving its next attempt on before it is sent."""
    now = now or timezone.now()
    waiting = SentMessage.objects.filter(due(now)).select_related("system")
    if ids is not None:
        waiting = waiting.filter(pk__in=ids)
    taken = 0
    own = client is None
    client = client or httpx.Client(timeout=TIMEOUT, follow_redirects=False)
    try:
        for message in waiting.order_by("id"):
            if SentMessage.objects.filter(
                referral_id=message.referral_id, sent_at__isnull=True, pk__lt=message.pk
            ).exists():
                SentMessage.objects.filter(pk=message.pk).update(answer="Waits for this referral's earlier response.")
                continue  # the referrer learns of a referral in order: accepted before closed
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
    except Exception as error:  # unreachable, a bad address, a broken TLS: all the referrer's side, all said
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
    why = f"The referrer answered {answer.status_code}{': ' + said if said else ''}"
    return _not_sent(message, why, tries=tries, final=final)


def _not_sent(message: SentMessage, why: str, *, tries: int, final: bool) -> bool:
    logger.warning("Response %s not sent (try %d): %s", message.pk, tries, why)
    if final or tries > len(RETRY_AFTER):
        # Given up: the body goes (it names the person); sending again writes it afresh.
        SentMessage.objects.filter(pk=message.pk, sent_at__isnull=True).update(
            answer=why[:300], gave_up_at=timezone.now(), body=""
        )
        audit.record(
            user=None, username=f"(system: {message.system.name})", action="refuse", what="response to referrer",
            object_id=message.pk, reason=why[:200],
        )  # fmt: skip
    else:
        SentMessage.objects.filter(pk=message.pk, sent_at__isnull=True).update(answer=why[:300])
    return False


def _diagnostics(answer: httpx.Response) -> str:
    """The OperationOutcome's diagnostics, if the referrer sent one."""
    try:
        issues = answer.json().get("issue") or []
    except ValueError:
        return ""
    return "; ".join(str(i.get("diagnostics") or "") for i in issues if isinstance(i, dict))[:200]


class NotNow(ValueError):
    """The response is not one to send again: sent, or still being tried."""


@transaction.atomic
def try_again(message: SentMessage, *, user) -> SentMessage:
    """A person sends a response that was given up on (or had no endpoint) again: written afresh from the
    referral as it is now, to the referrer's endpoint as it is now."""
    message = SentMessage.objects.select_for_update().select_related("system").get(pk=message.pk)
    if message.sent_at or not (message.gave_up_at or not message.endpoint):
        raise NotNow("This response is sent or still being tried: there is nothing to send again.")
    received = _received(message.referral_id) if message.referral_id else None
    if received is None:
        raise NotNow("The referral this answered is gone: there is nothing to send.")
    message.endpoint = _endpoint(message.system, message.organisation)
    message.gave_up_at, message.attempts, message.next_attempt_at = None, 0, timezone.now()
    message.body, message.answer = "", NO_ENDPOINT if not message.endpoint else ""
    if message.endpoint:
        _build(message, received)
    message.save()
    audit.record(user=user, action="update", what="response to referrer", object_id=message.pk, retried=True)
    if message.endpoint:
        transaction.on_commit(lambda: _send_soon([message.pk]), robust=True)
    return message


def forget_person(referral_ids: list[int]) -> int:
    """After an erasure: the person's responses not yet sent are given up and their bodies deleted."""
    return SentMessage.objects.filter(referral_id__in=referral_ids, sent_at__isnull=True).update(
        body="", gave_up_at=timezone.now(), answer="Not sent: the person's record was erased."
    )


def waiting() -> int:
    return SentMessage.objects.filter(due(timezone.now() + dt.timedelta(days=365))).count()
