"""Writes that keep listings right: checks, edits with history, suggestions and claims."""

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.utils import timezone

from kith.accounts.models import Role, StaffProfile
from kith.accounts.roles import administrator_emails, role_of
from kith.core.mail import send_on_commit
from kith.directory import services as directory
from kith.directory.costs import amounts_in
from kith.directory.models import (
    Attribute,
    CostOption,
    ListingCheck,
    Location,
    Organisation,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
)
from kith.directory.schedules import DAY_CODES, describe
from kith.freshness.models import Claim, ListingChange, Suggestion

EDITABLE = ["name", "description", "url", "email", "fees_description", "eligibility_description", "status"]
CLAIM_SALT = "kith.freshness.claim"
CLAIM_DAYS = 3


class ListingError(ValueError):
    """A write that cannot be made; str(error) says why."""


def role_label(user) -> str:
    return {
        Role.LINK_WORKER: "link worker",
        Role.LEAD: "neighbourhood lead",
        Role.ORGANISATION_EDITOR: "organisation",
        Role.ADMINISTRATOR: "administrator",
    }.get(role_of(user), "directory editor")


def record_check(*, user, service: Service, method: str, note: str = "", public_note: str = "") -> ListingCheck:
    """A person confirmed the listing: by the directory's own record of checks, with the person's role.
    `note` stays with staff; only `public_note`, which the person chose to write for everyone, is published."""
    if method not in ListingCheck.Method.values or method == ListingCheck.Method.IMPORTED:
        raise ListingError("Say how you checked it.")
    return directory.record_check(
        service=service,
        checked_at=timezone.now(),
        method=method,
        role=role_label(user),
        user=user,
        note=note.strip()[:500],
        public_note=public_note.strip()[:300],
    )


def weekly(service: Service) -> Schedule | None:
    """The listing's weekly schedule, when it has exactly one that Kith can edit."""
    rules = [r for r in service.schedules.all() if r.freq in ("", "WEEKLY") and not r.until]
    return rules[0] if len(rules) == 1 else None


def _schedule_text(days, opens_at, closes_at) -> str:
    return describe("WEEKLY", ",".join(days), opens_at, closes_at) if days else ""


def edit_listing(*, user, service: Service, changes: dict, via: str) -> ListingChange | None:
    """Apply changes to the listing's own fields and weekly schedule, and keep them in its history.

    None when nothing changed."""
    before = {f: getattr(service, f) for f in EDITABLE if f in changes}
    changed = {f: [before[f], changes[f]] for f in before if changes[f] != before[f]}
    rule = weekly(service)
    new_schedule = None
    if "days" in changes:
        old_text = _schedule_text(
            rule.byday.split(",") if rule and rule.byday else [], rule and rule.opens_at, rule and rule.closes_at
        )
        new_text = _schedule_text(changes["days"], changes.get("opens_at"), changes.get("closes_at"))
        if new_text != old_text:
            changed["schedule"] = [old_text, new_text]
            new_schedule = (changes["days"], changes.get("opens_at"), changes.get("closes_at"))
    if not changed:
        return None
    if "status" in changed and changes["status"] not in ServiceStatus.values:
        raise ListingError("Choose a status from the list.")
    with transaction.atomic():
        fields = [f for f in changed if f != "schedule"]
        for field in fields:
            setattr(service, field, changed[field][1])
        service.save(update_fields=[*fields, "updated_at"])
        if "fees_description" in changed:
            # The cost in words decides the structured cost too, so "free" in search, the API and every
            # feed says what the page says.
            amounts = amounts_in(changed["fees_description"][1])
            service.cost_options.all().delete()
            for amount in amounts or []:
                CostOption.objects.create(
                    service=service, amount=amount, amount_description=changes["fees_description"]
                )
        if new_schedule is not None:
            days, opens_at, closes_at = new_schedule
            if rule is not None:
                rule.delete()
            if days:
                Schedule.objects.create(
                    service=service, freq="WEEKLY", byday=",".join(days), opens_at=opens_at, closes_at=closes_at
                )
        entry = ListingChange.objects.create(
            service=service, changed_by=user, role=role_label(user), via=via, fields=changed
        )
    directory.services_changed(service_ids=[service.pk])
    return entry


@transaction.atomic
def add_event(
    *, user, organisation: Organisation, location: Location, name: str, description: str, day, opens_at, closes_at
):
    """A one-off event: a listing of the organisation's on one day, at one of its places, with the organisation's
    usual categories; it leaves the calendar after the day."""
    service = Service.objects.create(organisation=organisation, name=name, description=description, source="kith")
    ServiceAtLocation.objects.create(service=service, location=location)
    Schedule.objects.create(
        service=service,
        freq="WEEKLY",
        byday=DAY_CODES[day.weekday()],
        opens_at=opens_at,
        closes_at=closes_at,
        dtstart=day,
        until=day,
    )
    terms = set(
        Attribute.objects.filter(link_entity="service", link_id__in=organisation.services.values("uuid")).values_list(
            "taxonomy_term_id", flat=True
        )
    )
    Attribute.objects.bulk_create(
        Attribute(taxonomy_term_id=t, link_entity="service", link_id=service.uuid, link_type="category") for t in terms
    )
    ListingChange.objects.create(
        service=service, changed_by=user, role=role_label(user), via="organisation editor",
        fields={"event": ["", f"{name} on {day:%-d %B %Y}"]},
    )  # fmt: skip
    ListingCheck.objects.create(
        service=service, checked_at=timezone.now(), checked_by=user, checked_by_role=role_label(user),
        method=ListingCheck.Method.ORGANISATION_CONFIRMED,
    )  # fmt: skip
    directory.services_changed(service_ids=[service.pk])
    return service


# Suggestions from anyone ----------------------------------------------------------------------------


def suggest(*, service: Service, kind: str, details: str, reply_to: str = "") -> Suggestion:
    details = details.strip()
    if kind not in Suggestion.Kind.values:
        raise ListingError("Choose what has happened.")
    if not details and kind == Suggestion.Kind.CHANGE:
        raise ListingError("Tell us what has changed.")
    return Suggestion.objects.create(service=service, kind=kind, details=details[:2000], reply_to=reply_to)


@transaction.atomic
def decide_suggestion(
    *, user, suggestion: Suggestion, accept: bool, changes: dict, method: str = "", note: str = ""
) -> None:
    """Accepting applies the changes (a closure sets the status) and records a check; either way it is closed."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != Suggestion.Status.WAITING:
        raise ListingError("Someone has already decided this suggestion.")
    if accept:
        if suggestion.kind == Suggestion.Kind.CLOSED:
            changes = {**changes, "status": ServiceStatus.DEFUNCT}
        elif suggestion.kind == Suggestion.Kind.PAUSED:
            changes = {**changes, "status": ServiceStatus.TEMPORARILY_CLOSED}
        edit_listing(user=user, service=suggestion.service, changes=changes, via="suggestion")
        record_check(user=user, service=suggestion.service, method=method, note=note or "After a suggestion")
    suggestion.status = Suggestion.Status.ACCEPTED if accept else Suggestion.Status.REJECTED
    suggestion.decided_by, suggestion.decided_at = user, timezone.now()
    suggestion.decision_note, suggestion.reply_to = note.strip()[:300], ""  # the address was only for questions
    suggestion.save()


# Claims by organisations ----------------------------------------------------------------------------


def addresses_on(organisation: Organisation) -> set[str]:
    """Email addresses the directory shows for the organisation and its listings."""
    found = {organisation.email} | set(organisation.services.values_list("email", flat=True))
    return {a.strip().lower() for a in found if a}


def claim(*, organisation: Organisation, name: str, email: str, role_at_organisation: str = "") -> Claim:
    """By email when the address is one the listing shows; otherwise an administrator decides."""
    email = email.strip().lower()
    on_listing = email in addresses_on(organisation)
    with transaction.atomic():
        made = Claim.objects.create(
            organisation=organisation,
            name=name.strip()[:200],
            email=email,
            role_at_organisation=role_at_organisation.strip()[:200],
            status=Claim.Status.EMAILED if on_listing else Claim.Status.WAITING,
        )
        if on_listing:
            _send_confirmation(made)
        elif administrators := administrator_emails():
            # No name or address in the email: the claims queue shows them to a signed-in administrator.
            send_on_commit("freshness/email_claim_waiting.txt", {"organisation": organisation}, administrators)
    return made


def _send_confirmation(claim: Claim) -> None:
    token = signing.dumps(claim.pk, salt=CLAIM_SALT)
    send_on_commit("freshness/email_claim.txt", {"claim": claim, "token": token, "days": CLAIM_DAYS}, [claim.email])


def claim_from_token(token: str) -> Claim:
    try:
        pk = signing.loads(token, salt=CLAIM_SALT, max_age=CLAIM_DAYS * 86400)
    except signing.SignatureExpired:
        raise ListingError("This link has expired. Ask again from the organisation's page.") from None
    except signing.BadSignature:
        raise ListingError("This link is not one Kith sent.") from None
    found = Claim.objects.select_related("organisation").filter(pk=pk).first()
    if found is None or found.status not in (Claim.Status.EMAILED, Claim.Status.CONFIRMED):
        raise ListingError("This claim is no longer open.")
    return found


@transaction.atomic
def approve_claim(*, user, claim: Claim, approve: bool) -> None:
    """An administrator's decision: approving emails the claimant the link to finish."""
    if claim.status != Claim.Status.WAITING:
        raise ListingError("This claim has been decided already.")
    claim.decided_by = user
    if approve:
        claim.status = Claim.Status.EMAILED
        claim.save(update_fields=["status", "decided_by"])
        _send_confirmation(claim)
    else:
        claim.status = Claim.Status.REFUSED
        claim.save(update_fields=["status", "decided_by"])


@transaction.atomic
def confirm_claim(*, claim: Claim, password: str):
    """Make (or reuse) the claimant's organisation-editor account for the organisation."""
    if claim.status == Claim.Status.CONFIRMED:
        raise ListingError("This claim is confirmed already: sign in instead.")
    User = get_user_model()
    user = User.objects.filter(username=claim.email).first()
    if user is None:
        user = User.objects.create_user(username=claim.email, email=claim.email, password=password)
        first, _, last = claim.name.partition(" ")
        user.first_name, user.last_name = first[:150], last[:150]
        user.save(update_fields=["first_name", "last_name"])
    profile, _ = StaffProfile.objects.get_or_create(user=user, defaults={"role": Role.ORGANISATION_EDITOR})
    if profile.role != Role.ORGANISATION_EDITOR:
        raise ListingError("This address belongs to a Kith staff account; ask an administrator.")
    profile.organisation = claim.organisation
    profile.save(update_fields=["organisation"])
    claim.status, claim.editor = Claim.Status.CONFIRMED, user
    claim.save(update_fields=["status", "editor"])
    return user
