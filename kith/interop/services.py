"""Taking a BaRS referral message: who sent it, whether Kith can take it, and the referral it becomes.

Every message is recorded (taken or refused) and audited; a message is taken whole or not at all.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from kith.core import audit
from kith.interop import bars
from kith.interop.models import ConnectedSystem, ReceivedMessage
from kith.people.services.records import RecordError
from kith.people.services.referrals import referral_from_system

KEY_START = "kith_"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(system: ConnectedSystem, *, user=None) -> str:
    """A new key for the system, replacing any before it; shown once, kept as a hash."""
    prefix = secrets.token_hex(4)
    key = f"{KEY_START}{prefix}_{secrets.token_urlsafe(32)}"
    system.key_prefix, system.key_hash, system.revoked_at = prefix, _digest(key), None
    system.save()
    audit.record(
        user=None, username="(administrator)", action="update", what="connected system key", object_id=system.pk
    )
    return key


def system_for(authorization: str) -> ConnectedSystem | None:
    """The active system whose key is the bearer token, or None."""
    scheme, _, key = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not key.startswith(KEY_START):
        return None
    prefix = key[len(KEY_START) :].split("_", 1)[0]
    system = ConnectedSystem.objects.filter(key_prefix=prefix, revoked_at__isnull=True).first()
    if system is None or not hmac.compare_digest(system.key_hash, _digest(key)):
        return None
    return system


@dataclass
class Answer:
    status: int
    body: str  # FHIR JSON
    referral: object = None  # the Referral taken, when one was


def _parse(body: bytes, content_type: str):
    if "xml" in content_type:
        return Bundle.model_validate_xml(body)
    return Bundle.model_validate_json(body)


def _refused(system, message_id, reason, status, diagnostics) -> Answer:
    from kith.interop.outcomes import operation_outcome

    if message_id:
        # A refused message is recorded too, unless its id was taken already (a replay records nothing).
        try:
            with transaction.atomic():
                ReceivedMessage.objects.create(
                    message_id=message_id,
                    system=system,
                    reason=reason,
                    outcome=ReceivedMessage.Outcome.REFUSED,
                    detail="; ".join(text for _, text in diagnostics)[:500],
                )
        except IntegrityError:
            pass
    audit.record(
        user=None, username=f"(system: {system.name})", action="refuse", what="referral message",
        object_id=message_id, status=status,
    )  # fmt: skip
    return Answer(status, operation_outcome(status, diagnostics))


def receive(system: ConnectedSystem, body: bytes, content_type: str) -> Answer:
    """Take one message: 200 with an acknowledgement, or 400/409/422 with an OperationOutcome."""
    from kith.interop.outcomes import acknowledgement, operation_outcome

    try:
        bundle = _parse(body, content_type)
    except (ValidationError, ValueError) as error:
        first = str(error).splitlines()[:3]
        return Answer(
            400, operation_outcome(400, [("Bundle", "The message is not a FHIR R4 Bundle: " + " ".join(first))])
        )
    except Exception as error:  # lxml's syntax errors and the like: still the sender's malformed message
        return Answer(400, operation_outcome(400, [("Bundle", f"The message could not be read: {error}"[:300])]))
    message = bars.Message(bundle)
    message_id = bundle.id or (message.header.id if message.header is not None else "") or ""
    if not message_id:
        return Answer(
            422, operation_outcome(422, [("Bundle.id", "The message needs an id, so a replay can be known.")])
        )
    if ReceivedMessage.objects.filter(message_id=message_id).exists():
        return Answer(
            409,
            operation_outcome(
                409, [("Bundle.id", "This message has been recognised as having already been processed.")]
            ),
        )
    found = bars.problems(message)
    if found:
        return _refused(system, message_id, "", 422, [(p.where, p.text) for p in found])
    referral_data = bars.referral_of(message)
    try:
        with transaction.atomic():
            referral = _apply(system, referral_data)
            ReceivedMessage.objects.create(
                message_id=message_id,
                system=system,
                reason=referral_data.reason,
                outcome=ReceivedMessage.Outcome.ACCEPTED,
                referral=referral,
            )
    except RecordError as error:  # a postcode Kith does not know, no team there, an NHS number not right
        return _refused(system, message_id, referral_data.reason, 422, [("ServiceRequest", str(error))])
    except IntegrityError:  # the same message id, taken by a parallel request a moment ago
        return Answer(
            409,
            operation_outcome(
                409, [("Bundle.id", "This message has been recognised as having already been processed.")]
            ),
        )
    audit.record(
        user=None, username=f"(system: {system.name})", action="receive", what="referral message",
        object_id=message_id, reason=referral_data.reason, referral=referral.pk,
    )  # fmt: skip
    return Answer(200, acknowledgement(message_id, str(referral.uuid), f"{settings.KITH_BASE_URL}/fhir"), referral)


def _apply(system: ConnectedSystem, data: bars.Referral):
    return referral_from_system(
        system=system.name,
        request_id=data.request_id,
        reason=data.reason,
        cancelled=data.cancelled,
        postcode=data.postcode,
        given_name=data.given_name,
        family_name=data.family_name,
        date_of_birth=data.date_of_birth,
        nhs_number=data.nhs_number,
        phone=data.phone,
        email=data.email,
        words=data.words,
        organisation=data.organisation,
    )
