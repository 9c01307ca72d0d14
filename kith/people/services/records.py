"""Writes to a person's record: keyword-only, atomic, audited, and safe against lost updates."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kith.accounts.roles import administrator_emails
from kith.core import audit
from kith.geo.lookup import PlaceNotFound, find_postcode
from kith.people import signals, wellbeing
from kith.people.models import (
    Barrier,
    Consent,
    ErasureRequest,
    Instrument,
    Note,
    NoteRevision,
    Person,
    Strength,
    Want,
    WantStatus,
    WellbeingScore,
)


class RecordError(ValueError):
    """A write that cannot be made; str(error) says why, in words for the person making it."""


class StaleRecord(RecordError):
    pass


class PossibleDuplicates(RecordError):
    def __init__(self, people: list[Person]):
        self.people = people
        super().__init__(
            f"{len(people)} record{'s' if len(people) != 1 else ''} with the same name, date of birth and postcode "
            "already exist. Open it instead, or confirm that this is a different person."
        )


def resolve_postcode(postcode: str) -> tuple[str, str | None, str | None]:
    """(normalised postcode, LSOA code, ward code); an empty postcode is allowed."""
    if not postcode.strip():
        return "", None, None
    try:
        found = find_postcode(postcode)
    except PlaceNotFound as error:
        raise RecordError(str(error)) from None
    return found.postcode, found.lsoa_id, found.ward_id


IDENTITY_FIELDS = [
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "nhs_number",
    "postcode",
    "phone",
    "email",
    "preferred_contact",
    "languages",
    "available_times",
    "referral_source",
    "referral_reason",
    "snomed_code",
    "what_matters",
    "link_worker",
]


def find_duplicates(*, team, given_name: str, family_name: str, date_of_birth, postcode: str) -> list[Person]:
    if not (date_of_birth and postcode):
        return []
    return list(
        Person.objects.filter(
            team=team,
            given_name__iexact=given_name.strip(),
            family_name__iexact=family_name.strip(),
            date_of_birth=date_of_birth,
            postcode=postcode,
            anonymised_at__isnull=True,
        )
    )


@transaction.atomic
def create_person(*, user, team, confirm_not_duplicate: bool = False, referred_by=None, **fields) -> Person:
    unknown = set(fields) - set(IDENTITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    postcode, lsoa, ward = resolve_postcode(fields.pop("postcode", ""))
    duplicates = find_duplicates(
        team=team,
        given_name=fields.get("given_name", ""),
        family_name=fields.get("family_name", ""),
        date_of_birth=fields.get("date_of_birth"),
        postcode=postcode,
    )
    if duplicates and not confirm_not_duplicate:
        raise PossibleDuplicates(duplicates)
    person = Person.objects.create(
        team=team, postcode=postcode, lsoa_id=lsoa, ward_id=ward, referred_by=referred_by, **fields
    )
    audit.record(
        user=user,
        action="create",
        what="person",
        object_id=person.pk,
        person=person.uuid,
        duplicate_confirmed=bool(duplicates),
    )
    return person


@transaction.atomic
def update_person(*, user, person: Person, version: int, **fields) -> Person:
    """Change identity or referral fields, if nobody else has changed the record since `version`."""
    unknown = set(fields) - set(IDENTITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    if "postcode" in fields:
        fields["postcode"], fields["lsoa_id"], fields["ward_id"] = resolve_postcode(fields["postcode"])
    if "link_worker" in fields:
        fields["link_worker_id"] = getattr(fields.pop("link_worker"), "pk", None)
    changed = Person.objects.filter(pk=person.pk, version=version).update(version=F("version") + 1, **fields)
    if not changed:
        raise StaleRecord(
            "Someone else saved changes to this record after you opened it. Your changes were not saved: "
            "open the record again to see theirs, then make yours."
        )
    audit.record(
        user=user, action="update", what="person", object_id=person.pk, person=person.uuid, fields=sorted(fields)
    )
    person.refresh_from_db()
    return person


def _touch(person: Person) -> None:
    """Any change to a record's parts moves its version on, so stale forms are caught."""
    Person.objects.filter(pk=person.pk).update(version=F("version") + 1)


@transaction.atomic
def add_want(*, user, person: Person, term, priority: int = 2, words: str = "") -> Want:
    if priority not in (1, 2, 3):
        raise RecordError("Priority must be high, medium or low.")
    want = Want.objects.create(person=person, term=term, priority=priority, words=words)
    _touch(person)
    audit.record(user=user, action="create", what="want", object_id=want.pk, person=person.uuid, term=term.code)
    return want


@transaction.atomic
def set_want_status(*, user, want: Want, status: str) -> Want:
    if status not in WantStatus.values:
        raise RecordError("Choose open, met or no longer wanted.")
    want.status = status
    want.save(update_fields=["status"])
    _touch(want.person)
    audit.record(user=user, action="update", what="want", object_id=want.pk, person=want.person.uuid, status=status)
    return want


@transaction.atomic
def set_barriers(*, user, person: Person, kinds: set[str]) -> None:
    existing = set(person.barriers.values_list("kind", flat=True))
    person.barriers.exclude(kind__in=kinds).delete()
    Barrier.objects.bulk_create(Barrier(person=person, kind=k) for k in sorted(kinds - existing))
    _touch(person)
    audit.record(
        user=user, action="update", what="barriers", object_id=person.pk, person=person.uuid, kinds=sorted(kinds)
    )


@transaction.atomic
def add_strength(*, user, person: Person, kind: str, words: str) -> Strength:
    if not words.strip():
        raise RecordError("Say what the strength is, in the person's words.")
    strength = Strength.objects.create(person=person, kind=kind, words=words.strip())
    _touch(person)
    audit.record(user=user, action="create", what="strength", object_id=strength.pk, person=person.uuid)
    return strength


@transaction.atomic
def record_wellbeing(
    *, user, person: Person, instrument: str, occasion: str, taken_on: dt.date, answers: dict
) -> WellbeingScore:
    """Score and keep one questionnaire; answers that cannot be scored raise WellbeingError."""
    if taken_on > timezone.localdate():
        raise RecordError("The date it was taken cannot be in the future.")
    if instrument == Instrument.SWEMWBS:
        result = wellbeing.score_swemwbs(answers)
        row = WellbeingScore(answers=result.items, swemwbs_raw=result.raw, swemwbs_metric=result.metric)
    elif instrument == Instrument.ONS4:
        row = WellbeingScore(answers=wellbeing.score_ons4(answers).scores)
    else:
        raise RecordError("Choose ONS4 or SWEMWBS.")
    row.person, row.instrument, row.occasion, row.taken_on, row.recorded_by = (
        person,
        instrument,
        occasion,
        taken_on,
        user,
    )
    row.save()
    _touch(person)
    audit.record(
        user=user, action="create", what="wellbeing", object_id=row.pk, person=person.uuid, instrument=instrument
    )
    return row


@transaction.atomic
def record_consent(
    *, user, person: Person, purpose: str, decision: str, method: str, wording: str, scope: str = "", organisation=None
) -> Consent:
    if purpose == "share-with-organisation" and organisation is None:
        raise RecordError("Name the organisation the person agreed to share with.")
    if not wording.strip():
        raise RecordError("Record the words shown or read to the person.")
    consent = Consent.objects.create(
        person=person,
        purpose=purpose,
        decision=decision,
        method=method,
        wording=wording.strip(),
        scope=scope,
        organisation=organisation,
        recorded_by=user,
    )
    _touch(person)
    audit.record(
        user=user,
        action="create",
        what="consent",
        object_id=consent.pk,
        person=person.uuid,
        purpose=purpose,
        decision=decision,
    )
    return consent


@transaction.atomic
def withdraw_consent(*, user, consent: Consent) -> Consent:
    if consent.withdrawn_at:
        raise RecordError("This was already withdrawn.")
    consent.withdrawn_at, consent.withdrawn_by = timezone.now(), user
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    _touch(consent.person)
    audit.record(
        user=user, action="update", what="consent", object_id=consent.pk, person=consent.person.uuid, withdrawn=True
    )
    return consent


@transaction.atomic
def add_note(*, user, person: Person, text: str) -> Note:
    if not text.strip():
        raise RecordError("The note is empty.")
    note = Note.objects.create(person=person, author=user, text=text.strip())
    audit.record(user=user, action="create", what="note", object_id=note.pk, person=person.uuid)
    return note


STALE_NOTE = (
    "Someone else saved this note after you opened it, so your changes were not saved. Their version is shown "
    "below; your text is still in the box. Copy what you need into it, then save again."
)


@transaction.atomic
def edit_note(*, user, note: Note, text: str, version: int) -> Note:
    """Change a note, keeping what it said before, if nobody has saved it since `version`."""
    if not text.strip():
        raise RecordError("The note is empty.")
    # Read the text being replaced inside the write, so the revision keeps exactly what was there.
    current = Note.objects.select_for_update().filter(pk=note.pk).values_list("text", "version").first()
    if current is None or current[1] != version:
        raise StaleRecord(STALE_NOTE)
    NoteRevision.objects.create(note=note, text=current[0], replaced_by=user)
    Note.objects.filter(pk=note.pk, version=version).update(
        text=text.strip(), edited_at=timezone.now(), version=F("version") + 1
    )
    audit.record(user=user, action="update", what="note", object_id=note.pk, person=note.person.uuid)
    note.refresh_from_db()
    return note


CLOSE_REASONS = [
    ("goals-met", "What mattered to them is in place"),
    ("no-longer-wanted", "They no longer want support"),
    ("no-contact", "We could not reach them"),
    ("moved-away", "They moved away"),
    ("died", "They died"),
    ("other", "Another reason"),
]


@transaction.atomic
def close_person(*, user, person: Person, version: int, reason: str = "other") -> Person:
    """Close a record: it leaves the caseload, and `kith retention` anonymises it after the retention period."""
    if reason not in dict(CLOSE_REASONS):
        raise RecordError("Choose why the record is being closed.")
    changed = Person.objects.filter(pk=person.pk, version=version, closed_at__isnull=True).update(
        closed_at=timezone.now(), version=F("version") + 1
    )
    if not changed:
        raise StaleRecord("The record changed or was closed after you opened it; open it again.")
    audit.record(
        user=user, action="update", what="person", object_id=person.pk, person=person.uuid, closed=True, reason=reason
    )
    person.refresh_from_db()
    signals.record_closed.send(sender=Person, person=person)
    return person


@transaction.atomic
def reopen_person(*, user, person: Person, version: int) -> Person:
    """Bring a closed record back onto the caseload (before it is anonymised)."""
    changed = Person.objects.filter(
        pk=person.pk, version=version, closed_at__isnull=False, anonymised_at__isnull=True
    ).update(closed_at=None, version=F("version") + 1)
    if not changed:
        raise StaleRecord("The record changed after you opened it; open it again.")
    audit.record(user=user, action="update", what="person", object_id=person.pk, person=person.uuid, reopened=True)
    person.refresh_from_db()
    return person


def subject_access_export(*, user, person: Person) -> dict:
    """Everything Kith holds about a person, as plain data (for the JSON file and the readable page)."""
    data = {
        "exported_at": timezone.now().isoformat(),
        "lawful_basis": "UK GDPR Article 6(1)(e) and Article 9(2)(h): provision of health and social care",
        "person": {
            "id": str(person.uuid),
            "given_name": person.given_name,
            "family_name": person.family_name,
            "preferred_name": person.preferred_name,
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
            "nhs_number": person.nhs_number,
            "postcode": person.postcode,
            "phone": person.phone,
            "email": person.email,
            "preferred_contact": person.preferred_contact,
            "languages": person.languages,
            "available_times": person.available_times,
            "referral_source": person.referral_source,
            "referral_reason": person.referral_reason,
            "snomed_code": person.snomed_code,
            "what_matters": person.what_matters,
            "opened_at": person.opened_at.isoformat(),
            "closed_at": person.closed_at.isoformat() if person.closed_at else None,
            "team": person.team.name,
        },
        "wants": [
            {"want": w.term.name, "priority": w.get_priority_display(), "words": w.words, "status": w.status}
            for w in person.wants.select_related("term")
        ],
        "barriers": [b.get_kind_display() for b in person.barriers.all()],
        "strengths": [{"kind": s.kind, "words": s.words} for s in person.strengths.all()],
        "wellbeing": [
            {
                "instrument": s.instrument,
                "occasion": s.occasion,
                "taken_on": s.taken_on.isoformat(),
                "answers": s.answers,
                "swemwbs_raw": s.swemwbs_raw,
                "swemwbs_metric": str(s.swemwbs_metric) if s.swemwbs_metric is not None else None,
            }
            for s in person.wellbeing.all()
        ],
        "consents": [
            {
                "purpose": c.purpose,
                "decision": c.decision,
                "organisation": c.organisation.name if c.organisation else None,
                "method": c.method,
                "wording": c.wording,
                "scope": c.scope,
                "recorded_at": c.recorded_at.isoformat(),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in person.consents.select_related("organisation")
        ],
        "notes": [{"written_at": n.created_at.isoformat(), "text": n.text} for n in person.notes.all()],
        "connections": [
            {
                "service": c.service.name,
                "organisation": c.service.organisation.name,
                "status": c.status,
                "since": c.status_changed_at.isoformat(),
                "persons_words": c.persons_words,
                "reason": c.reason,
            }
            for c in person.connections.select_related("service__organisation")
        ],
    }
    audit.record(user=user, action="export", what="person", object_id=person.pk, person=person.uuid)
    return data


def _anonymise(person: Person) -> None:
    """Remove what identifies a person; keep coded, area-level facts for anonymous counts."""
    outcode = person.postcode.split(" ")[0] if person.postcode else ""
    Person.objects.filter(pk=person.pk).update(
        given_name="(erased)",
        family_name="(erased)",
        preferred_name="",
        date_of_birth=None,
        nhs_number="",
        postcode=outcode,
        phone="",
        email="",
        languages="",
        referral_reason="",
        what_matters="",
        referred_by=None,
        anonymised_at=timezone.now(),
        closed_at=person.closed_at or timezone.now(),
        version=F("version") + 1,
    )
    person.notes.all().delete()
    person.strengths.all().delete()
    person.shared_lists.all().delete()
    person.wants.update(words="")
    person.barriers.update(note="")
    person.connections.update(persons_words="", reason="")
    signals.record_erased.send(sender=Person, person=person)


@transaction.atomic
def erase_person(*, user, person: Person) -> None:
    """Erasure on request: identifiers removed, anonymous aggregates (area, wants, wellbeing) kept."""
    _anonymise(person)
    ErasureRequest.objects.filter(person=person, carried_out_at__isnull=True).update(carried_out_at=timezone.now())
    audit.record(user=user, action="erase", what="person", object_id=person.pk, person=person.uuid)


@transaction.atomic
def request_erasure(*, user, person: Person, reason: str) -> ErasureRequest:
    """Pass a person's request to be forgotten to the administrators, who carry it out."""
    from kith.core.mail import send_on_commit

    if not reason.strip():
        raise RecordError("Say what the person asked for, in a few words.")
    if person.erasure_requests.filter(carried_out_at__isnull=True).exists():
        raise RecordError("An administrator has already been asked to erase this record.")
    found = ErasureRequest.objects.create(person=person, requested_by=user, reason=reason.strip()[:500])
    audit.record(user=user, action="update", what="erasure request", object_id=found.pk, person=person.uuid)
    administrators = administrator_emails()
    if administrators:
        # No name in the email: the administrator opens the queue, which is audited.
        send_on_commit("people/email_erasure_request.txt", {"request": found}, administrators)
    return found


@transaction.atomic
def apply_retention(*, years: int, now=None, dry_run: bool = False) -> int:
    """Anonymise records closed more than `years` ago; return how many."""
    now = now or timezone.now()
    cutoff = now.replace(year=now.year - years)
    due = list(Person.objects.filter(closed_at__lt=cutoff, anonymised_at__isnull=True))
    if not dry_run:
        for person in due:
            _anonymise(person)
            audit.record(
                user=None,
                action="erase",
                what="person",
                object_id=person.pk,
                person=person.uuid,
                reason=f"retention: closed over {years} years",
            )
    return len(due)


@transaction.atomic
def organisation_consent_count(organisation) -> int:
    """How many consents name this organisation (a count of records, not of anyone's details)."""
    return Consent.objects.filter(organisation=organisation).count()


def move_organisation_consents(*, user, from_organisation, to_organisation, consent_ids=None) -> list[int]:
    """Consents to share with one organisation now name another (the two were found to be one, or a fold is
    undone: then only `consent_ids` move back); each is a change to someone's record, so each is audited.
    Returns the consents moved."""
    moved = []
    consents = Consent.objects.filter(organisation=from_organisation).select_related("person")
    if consent_ids is not None:
        consents = consents.filter(pk__in=consent_ids)
    undoing = consent_ids is not None
    for consent in consents:
        change = (f"fold undone: organisation {from_organisation.pk} back to {to_organisation.pk}" if undoing
                  else f"organisation {from_organisation.pk} folded into {to_organisation.pk}")  # fmt: skip
        audit.record(
            user=user, action="update", what="consent", object_id=consent.pk, person=consent.person.uuid, change=change
        )
        moved.append(consent.pk)
    Consent.objects.filter(pk__in=moved).update(organisation=to_organisation)
    return moved
