"""Referrals: from a professional or from the person themself, into the queue of the team covering their
ward, where a link worker accepts (matching or making the person's record) or declines with a reason."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kith.core import audit
from kith.core.mail import send_on_commit
from kith.core.workdays import add_working_days
from kith.people import nhs_number, signals
from kith.people.models import Person, Referral, ReferralSource, SnomedCode
from kith.people.services.records import PossibleDuplicates, RecordError, create_person, resolve_postcode

__all__ = [
    "ReferralError",
    "accept_referral",
    "contact_by",
    "decline_referral",
    "make_referral",
    "referral_from_system",
    "team_covering",
    "withdraw_referral",
]

REFERRED = SnomedCode.REFERRED


class ReferralError(RecordError):
    pass


def team_covering(postcode: str):
    """(normalised postcode, ward code, team) for the team whose wards cover the postcode."""
    from kith.accounts.models import Team

    normalised, _, ward = resolve_postcode(postcode)
    if not normalised:
        raise ReferralError("Give the postcode where they live.")
    team = Team.objects.filter(wards__code=ward).first() if ward else None
    if team is None:
        raise ReferralError(
            "No social prescribing team using Kith covers that postcode yet. Their GP practice can tell them "
            "about the service near them."
        )
    return normalised, ward, team


def contact_by(received_at: dt.datetime) -> dt.date:
    """The day by which someone from the team contacts the person."""
    return timezone.localtime(add_working_days(received_at, settings.KITH_REFERRAL_WORKING_DAYS)).date()


@transaction.atomic
def make_referral(*, user, source: str, postcode: str, sender: str = "", **fields) -> Referral:
    """A referral in the queue of the team covering the person's postcode; the team is told."""
    if not fields.get("agreed"):
        raise ReferralError("A referral needs the person's agreement to be contacted.")
    number = nhs_number.normalise(fields.pop("nhs_number", ""))
    if number and not nhs_number.is_valid(number):
        raise ReferralError("That NHS number is not right: check the ten digits.")
    normalised, ward, team = team_covering(postcode)
    referral = Referral.objects.create(
        team=team,
        source=source,
        referrer=user if getattr(user, "is_authenticated", False) else None,
        postcode=normalised,
        ward_id=ward,
        nhs_number=number,
        **fields,
    )
    audit.record(
        user=user,
        username=sender or ("" if getattr(user, "is_authenticated", False) else "(the person, online)"),
        action="create", what="referral", object_id=referral.pk, source=source, team=team.name,
    )  # fmt: skip
    staff = list(
        get_user_model()
        .objects.filter(profile__team=team, profile__role__in=["link-worker", "lead"], is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if staff:
        # No one's name in the email: it says where to look, and the queue is audited.
        send_on_commit("people/email_new_referral.txt", {"referral": referral}, staff)
    if source == "self" and referral.email:
        send_on_commit(
            "people/email_referral_received.txt",
            {"referral": referral, "contact_by": contact_by(referral.received_at)},
            [referral.email],
        )
    return referral


def _decided(referral: Referral) -> None:
    if referral.status != Referral.Status.NEW:
        raise ReferralError(f"This referral was {referral.get_status_display().lower()} already.")


@transaction.atomic
def accept_referral(
    *, user, referral: Referral, person: Person | None = None, confirm_not_duplicate: bool = False
) -> Person:
    """Accept onto the caseload: for the person already known (`person`), or as a new record, after the
    duplicate check (which `confirm_not_duplicate` passes)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _decided(referral)
    if person is None:
        if referral.nhs_number:
            known = Person.objects.filter(team=referral.team, nhs_number=referral.nhs_number, anonymised_at=None)
            if known.exists() and not confirm_not_duplicate:
                raise PossibleDuplicates(list(known))
        person = create_person(
            user=user,
            team=referral.team,
            link_worker=user if getattr(getattr(user, "profile", None), "role", "") == "link-worker" else None,
            referred_by=referral.referrer,
            confirm_not_duplicate=confirm_not_duplicate,
            given_name=referral.given_name,
            family_name=referral.family_name,
            date_of_birth=referral.date_of_birth,
            postcode=referral.postcode,
            phone=referral.phone,
            email=referral.email,
            preferred_contact=referral.preferred_contact,
            referral_source=referral.source,
            referral_reason=referral.words if referral.source != "self" else "",
            what_matters=referral.words if referral.source == "self" else "",
            snomed_code=referral.snomed_code or REFERRED,
            nhs_number=referral.nhs_number,
        )
    referral.status, referral.person = Referral.Status.ACCEPTED, person
    referral.decided_at, referral.decided_by = timezone.now(), user
    referral.save(update_fields=["status", "person", "decided_at", "decided_by"])
    audit.record(user=user, action="update", what="referral", object_id=referral.pk, person=person.uuid, accepted=True)
    signals.referral_decided.send(sender=Referral, referral=referral)
    return person


@transaction.atomic
def decline_referral(*, user, referral: Referral, reason: str, person_declined: bool = False) -> Referral:
    """Decline with a reason the referrer sees; `person_declined`: the person said no (SNOMED 871711000000103)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _decided(referral)
    if not reason.strip():
        raise ReferralError("Say why it is declined: the referrer sees the reason.")
    referral.status, referral.decline_reason = Referral.Status.DECLINED, reason.strip()[:500]
    referral.person_declined = person_declined
    referral.decided_at, referral.decided_by = timezone.now(), user
    referral.save(update_fields=["status", "decline_reason", "person_declined", "decided_at", "decided_by"])
    audit.record(user=user, action="update", what="referral", object_id=referral.pk, declined=True)
    signals.referral_decided.send(sender=Referral, referral=referral)
    return referral


@transaction.atomic
def withdraw_referral(*, user, referral: Referral) -> Referral:
    """The professional who made it takes it back, while it is still waiting."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _decided(referral)
    referral.status, referral.decided_at, referral.decided_by = Referral.Status.WITHDRAWN, timezone.now(), user
    referral.save(update_fields=["status", "decided_at", "decided_by"])
    audit.record(user=user, action="update", what="referral", object_id=referral.pk, withdrawn=True)
    return referral


@transaction.atomic
def referral_from_system(
    *, system: str, request_id: str, reason: str, cancelled: bool, organisation: str = "", **fields
) -> Referral:
    """A referral another system sent (NHS BaRS, ADR 0026), known by that system and its own id: a new one
    in the team's queue, new words for one still waiting, or a cancellation that withdraws it."""
    existing = (
        Referral.objects.select_for_update()
        .filter(external_system=system, external_id=request_id)
        .order_by("-received_at")
        .first()
    )
    if reason == "new" and not cancelled:
        if existing is not None:
            raise ReferralError("A referral with this ServiceRequest id was received already: send an update.")
        return make_referral(
            user=None,
            source=ReferralSource.GP,
            snomed_code=REFERRED,
            agreed=True,  # BaRS carries the person's consent to the referral; Kith records it was given
            sender=f"(system: {system})",
            external_system=system,
            external_id=request_id,
            external_organisation=organisation[:12],
            **fields,
        )
    if existing is None:
        raise ReferralError("No referral with this ServiceRequest id was received from this system.")
    if cancelled:
        if existing.status == Referral.Status.NEW:
            withdraw_referral(user=None, referral=existing)
        return existing
    if existing.status != Referral.Status.NEW:
        raise ReferralError(f"This referral was {existing.get_status_display().lower()} already: it cannot change.")
    existing.words = fields.get("words") or existing.words
    existing.phone = fields.get("phone") or existing.phone
    existing.email = fields.get("email") or existing.email
    existing.save(update_fields=["words", "phone", "email"])
    audit.record(user=None, username=f"(system: {system})", action="update", what="referral", object_id=existing.pk)
    return existing
