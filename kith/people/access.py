"""Every read of a person's data goes through here: the reader's right is checked and audited.

"Not found" and "not yours" raise the same Http404, so a record's existence is never disclosed.
"""

from dataclasses import dataclass, field
from itertools import chain
from typing import NoReturn
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from kith.accounts.models import Role
from kith.accounts.roles import CARE, profile_of, role_of
from kith.core import audit
from kith.people.models import Consent, ConsentPurpose, Person

CARE_ROLES = set(CARE)


def caseload_of(user) -> QuerySet[Person]:
    """People whose full record this user may open: their team's, or everyone's for an administrator."""
    role = role_of(user)
    people = Person.objects.filter(anonymised_at__isnull=True)
    if role == Role.ADMINISTRATOR:
        return people
    if role in {Role.LINK_WORKER, Role.LEAD}:
        profile = profile_of(user)
        return people.filter(team_id=profile.team_id) if profile.team_id else people.none()
    return people.none()


def refuse(user, what: str, asked_for, *, purpose: str = "") -> NoReturn:
    """Audit a refused read, then answer exactly as for a record that does not exist."""
    asked = str(asked_for).replace("\x00", "")[:64]  # the database cannot store a NUL
    audit.record(user=user, action="refused", what=what, object_id=asked, purpose=purpose)
    raise Http404("No such person" if what == "person" else "No such page")


def _parse(user, person_uuid, what: str = "person") -> UUID:
    try:
        return person_uuid if isinstance(person_uuid, UUID) else UUID(str(person_uuid))
    except ValueError:
        refuse(user, what, person_uuid)


def access_person(user, person_uuid, *, purpose: str = "view record") -> Person:
    """The person's record, if this user may see it; audited as a read, or as a refusal."""
    person = (
        caseload_of(user)
        .select_related("team", "lsoa", "ward", "link_worker")
        .filter(uuid=_parse(user, person_uuid))
        .first()
    )
    if person is None:
        refuse(user, "person", person_uuid, purpose=purpose)
    audit.record(user=user, action="read", what="person", object_id=person.pk, person=person.uuid, purpose=purpose)
    return person


def audit_caseload_read(user, people: list[Person], *, purpose: str) -> None:
    """Audit a list page: one event per person shown, written in one statement."""
    from kith.core.models import AuditEvent

    role = role_of(user) or ""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            user=user,
            username=user.username,
            role=role,
            action="read",
            what="person",
            object_id=p.pk,
            person=p.uuid,
            detail={"purpose": purpose},
        )
        for p in people
    )


@dataclass(frozen=True)
class ReferralSummary:
    """What a referring professional may know: that the referral arrived, what became of it, how it is going."""

    uuid: UUID
    name: str
    referred_on: str
    reason: str
    status: str  # "Waiting", "Accepted", "Declined", "Withdrawn"
    decline_reason: str
    team: str
    connections_made: int
    can_withdraw: bool


def referrals_of(user) -> QuerySet:
    from kith.people.models import Referral

    if role_of(user) != Role.PROFESSIONAL:
        return Referral.objects.none()
    return Referral.objects.filter(referrer=user).exclude(person__anonymised_at__isnull=False)


def _summary(referral) -> ReferralSummary:
    connections = 0
    if referral.person_id and referral.person.anonymised_at is None:
        connections = referral.person.connections.exclude(status__in=["suggested", "not-suitable"]).count()
    return ReferralSummary(
        uuid=referral.uuid,
        name=referral.display_name,
        referred_on=f"{referral.received_at:%-d %B %Y}",
        reason=referral.words,
        status=referral.get_status_display(),
        decline_reason=referral.decline_reason,
        team=referral.team.name,
        connections_made=connections,
        can_withdraw=referral.status == "new",
    )


def access_referrals_made(user) -> list[ReferralSummary]:
    """The professional's own referrals, newest first, with what became of each."""
    found = list(referrals_of(user).select_related("team", "person").order_by("-received_at")[:100])
    audit.record(user=user, action="read", what="referrals made", object_id="", count=len(found))
    return [_summary(r) for r in found]


def access_referral(user, referral_uuid) -> ReferralSummary:
    referral = (
        referrals_of(user).select_related("team", "person").filter(uuid=_parse(user, referral_uuid, "referral")).first()
    )
    if referral is None:
        refuse(user, "referral", referral_uuid)
    audit.record(user=user, action="read", what="referral", object_id=referral.pk)
    return _summary(referral)


def referral_made_by(user, referral_uuid):
    """The Referral row itself, for the professional who made it to withdraw."""
    referral = referrals_of(user).filter(uuid=_parse(user, referral_uuid, "referral")).first()
    if referral is None:
        refuse(user, "referral", referral_uuid)
    return referral


def sharing_agreed_with(organisation_id: int) -> Q:
    """People who agreed, and have not withdrawn, to share with this organisation."""
    return Q(
        person__consents__purpose=ConsentPurpose.SHARE_WITH_ORGANISATION,
        person__consents__organisation_id=organisation_id,
        person__consents__decision=Consent.Decision.AGREED,
        person__consents__withdrawn_at__isnull=True,
    )


def _objectors():
    return Consent.objects.filter(
        purpose=ConsentPurpose.INSIGHT, decision=Consent.Decision.OBJECTED, withdrawn_at__isnull=True
    ).values("person_id")


def counted_in_insight() -> QuerySet[Person]:
    """People who may be counted in neighbourhood insight: everyone who has not objected."""
    return Person.objects.filter(anonymised_at__isnull=True).exclude(pk__in=_objectors())


def access_caseload(user, *, purpose: str = "caseload"):
    """Open people on this user's caseload with the rows caseload pages summarise; audited."""
    from kith.people.models import WellbeingScore

    people = list(
        caseload_of(user)
        .open()
        .select_related("ward", "link_worker")
        .only(
            "id",
            "uuid",
            "given_name",
            "family_name",
            "preferred_name",
            "opened_at",
            "ward__name",
            "link_worker__username",
            "link_worker__first_name",
            "link_worker__last_name",
        )
        .order_by("family_name", "given_name")
    )
    ids = [p.pk for p in people]
    wellbeing_rows = list(
        WellbeingScore.objects.filter(person_id__in=ids, instrument="swemwbs")
        .order_by("taken_on", "id")
        .values_list("person_id", "swemwbs_metric")
    )
    # Through the reverse relation, so that people need not import matching: one row per connection.
    connection_rows = [
        row
        for row in Person.objects.filter(pk__in=ids).values_list(
            "pk", "connections__status", "connections__status_changed_at", "connections__follow_up_on"
        )
        if row[1] is not None
    ]
    audit_caseload_read(user, people, purpose=purpose)
    return people, wellbeing_rows, connection_rows


def access_closed(user) -> list[Person]:
    """Closed records this user's team may still open (not yet anonymised), newest first; audited."""
    people = list(
        caseload_of(user)
        .filter(closed_at__isnull=False)
        .only("id", "uuid", "given_name", "family_name", "preferred_name", "closed_at")
        .order_by("-closed_at")[:500]
    )
    audit_caseload_read(user, people, purpose="closed records")
    return people


def access_erasure_requests(user) -> list:
    """Requests waiting for an administrator, oldest first; names shown, so each is audited as a read."""
    from kith.people.models import ErasureRequest

    if role_of(user) != Role.ADMINISTRATOR:
        refuse(user, "erasure requests", "")
    waiting = list(
        ErasureRequest.objects.filter(carried_out_at__isnull=True, person__anonymised_at__isnull=True)
        .select_related("person__team", "requested_by")
        .order_by("requested_at")
    )
    audit_caseload_read(user, [r.person for r in waiting], purpose="erasure requests")
    return waiting


def access_audit_trail(user, person_uuid) -> tuple[Person | None, list]:
    """An administrator reads who did what to a person's record, including after erasure."""
    from kith.core.models import AuditEvent

    if role_of(user) != Role.ADMINISTRATOR:
        refuse(user, "audit trail", person_uuid)
    uuid = _parse(user, person_uuid, "audit trail")
    events = list(AuditEvent.objects.filter(person=uuid).order_by("-at", "-id")[:1000])
    if not events:
        refuse(user, "audit trail", person_uuid)
    audit.record(user=user, action="read", what="audit trail", object_id=str(uuid), person=uuid)
    return Person.objects.filter(uuid=uuid).first(), events


def want_dates_for_insight(ward_code: str) -> list:
    """When open wants were recorded for people living in a ward, for aggregate trends only."""
    from kith.people.models import Want

    return [
        created.date()
        for created in Want.objects.filter(person__in=counted_in_insight(), person__ward_id=ward_code).values_list(
            "created_at", flat=True
        )
    ]


MAX_TERM_DEPTH = 6  # the deepest term (an OpenActive activity) is 4 below its top-level want


def _fetch_all(rows: QuerySet) -> list[tuple]:
    """A values_list query's rows in one fetch: for hundreds of thousands of plain ids, Django's row-by-row
    conversion costs more than the query."""
    from django.db import connection

    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def insight_demand_counts(named: bool = False) -> list[tuple[str, str, int]]:
    """(LSOA, want code, distinct people) for people counted in insight: per top-level want, and with `named`
    also per named-level want (the level below the top, "active/walking"), each want counting the wants at or
    under it. One read of the open wants; the counting happens here, so no person leaves this module."""
    import numpy as np

    from kith.directory.models import TaxonomyTerm
    from kith.people.models import Want, WantStatus

    terms = {pk: (parent, code) for pk, parent, code in TaxonomyTerm.objects.values_list("id", "parent_id", "code")}

    def ancestry(pk):  # the term's codes from its top-level want down to itself
        line = []
        while pk is not None and len(line) <= MAX_TERM_DEPTH:
            parent, code = terms[pk]
            line.append(code)
            pk = parent
        return line[::-1]

    # The same rule as counted_in_insight(), written as one join and a small NOT IN: a single pass, which
    # reads each want's person and LSOA together, so a change between two reads cannot mismatch them.
    wants = (
        Want.objects.filter(status=WantStatus.OPEN, person__anonymised_at__isnull=True, person__lsoa__isnull=False)
        .exclude(person_id__in=_objectors())
        .order_by()
        .values_list("person_id", "term_id", "person__lsoa_id")
    )
    fetched = _fetch_all(wants)
    lsoa_codes = sorted({code for _, _, code in fetched})
    position = {code: n for n, code in enumerate(lsoa_codes)}
    rows = np.fromiter(
        chain.from_iterable((person, term, position[code]) for person, term, code in fetched),
        dtype=np.int64,
        count=3 * len(fetched),
    ).reshape(-1, 3)
    lsoa = rows[:, 2]
    found = []
    for level in [0, 1] if named else [0]:
        codes: dict[str, int] = {}
        want_of_term = np.full(max(terms, default=0) + 1, -1, dtype=np.int64)
        for pk in terms:
            line = ancestry(pk)
            if len(line) > level:
                want_of_term[pk] = codes.setdefault(line[level], len(codes))
        # A term added since the terms were read is in no want's line yet: it counts for none.
        known = rows[:, 1] < len(want_of_term)
        want = np.where(known, want_of_term[np.where(known, rows[:, 1], 0)], -1)
        keep = want >= 0
        # Each (want, LSOA, person) once: a person with two wants under "walking" is one person wanting it.
        span = int(rows[:, 0].max()) + 1 if len(rows) else 1
        keys = np.sort((want[keep] * len(lsoa_codes) + lsoa[keep]) * span + rows[keep, 0])  # sorting beats hashing
        once = keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys
        pair_of = once // span  # sorted, so each pair is one run
        starts = np.flatnonzero(np.r_[True, pair_of[1:] != pair_of[:-1]]) if len(pair_of) else pair_of
        pairs, counts = pair_of[starts], np.diff(np.r_[starts, len(pair_of)])
        names = list(codes)
        found += [
            (lsoa_codes[pair % len(lsoa_codes)], names[pair // len(lsoa_codes)], int(n))
            for pair, n in zip(pairs.tolist(), counts.tolist(), strict=True)
        ]
    return found


def _agreed_to_group_contact() -> Q:
    return Q(
        consents__purpose=ConsentPurpose.CONTACT_ABOUT_GROUPS,
        consents__decision=Consent.Decision.AGREED,
        consents__withdrawn_at__isnull=True,
    )


def pool_candidates(ward_code: str) -> list[tuple[int, str, str]]:
    """(person id, LSOA, want as they named it) for people in the ward with an open want who agreed to be
    contacted about groups. Ids only: counts for anyone, names only through access_pool."""
    from kith.people.models import Want, WantStatus

    agreed = Person.objects.filter(_agreed_to_group_contact(), ward_id=ward_code, anonymised_at__isnull=True)
    return list(
        Want.objects.filter(status=WantStatus.OPEN, person__in=agreed.values("pk"), person__lsoa__isnull=False)
        .order_by()
        .values_list("person_id", "person__lsoa_id", "term__code")
        .distinct()
    )


def access_pool(user, person_ids, *, purpose: str) -> list[Person]:
    """The people of a pool this user's team cares for, audited as read; others in the pool stay unnamed."""
    people = list(
        caseload_of(user)
        .filter(pk__in=list(person_ids))
        .filter(_agreed_to_group_contact())
        .distinct()
        .order_by("family_name", "given_name")
    )
    audit_caseload_read(user, people, purpose=purpose)
    return people


def access_pool_member(user, person_uuid, *, purpose: str) -> Person:
    """One person this user may contact about a group: on their team's caseload and agreed to be contacted."""
    person = caseload_of(user).filter(_agreed_to_group_contact(), uuid=_parse(user, person_uuid)).distinct().first()
    if person is None:
        refuse(user, "person", person_uuid, purpose=purpose)
    audit.record(user=user, action="read", what="person", object_id=person.pk, person=person.uuid, purpose=purpose)
    return person


@dataclass(frozen=True)
class MatchingNeeds:
    """What matching reads of a person it has already been allowed to open: plain values, nothing more."""

    wants: dict  # top-level want code → highest priority (1 high … 3 low)
    barriers: frozenset
    languages: frozenset
    parts_of_day: frozenset
    words: dict = field(default_factory=dict)  # want code → the person's own words for it


def matching_needs(person: Person) -> MatchingNeeds:
    """For a person returned by access_person: their open wants, barriers, languages and free times."""
    from kith.people.models import WantStatus

    wants: dict[str, int] = {}
    words: dict[str, str] = {}
    # At the level the person named it: walking is not chair yoga (ADR 0004).
    for code, priority, said in person.wants.filter(status=WantStatus.OPEN).values_list(
        "term__code", "priority", "words"
    ):
        wants[code] = min(priority, wants.get(code, 3))
        if said.strip():
            words[code] = " ".join([words.get(code, ""), said]).strip()
    return MatchingNeeds(
        words=words,
        wants=wants,
        barriers=frozenset(person.barriers.values_list("kind", flat=True)),
        languages=frozenset(c.strip().lower() for c in person.languages.split(",") if c.strip()),
        parts_of_day=frozenset(p.strip() for p in person.available_times.split(",") if p.strip()),
    )


def _queue_scope(user):
    from kith.people.models import Referral

    role = role_of(user)
    waiting = Referral.objects.filter(status=Referral.Status.NEW)
    if role in {Role.LINK_WORKER, Role.LEAD}:
        profile = profile_of(user)
        return waiting.filter(team_id=profile.team_id) if profile.team_id else waiting.none()
    return waiting if role == Role.ADMINISTRATOR else waiting.none()


def referrals_waiting(user) -> int:
    """How many referrals wait in the user's queue: a count, no one's details."""
    return _queue_scope(user).count()


def referral_queue(user) -> list:
    """Referrals waiting in this user's team's queue (every team's, for an administrator), oldest first.
    Names are shown, so each is audited as a read."""
    role = role_of(user)
    waiting = _queue_scope(user).select_related("team", "referrer__profile", "ward")
    found = list(waiting.order_by("received_at")[:500])
    if found:
        from kith.core.models import AuditEvent

        AuditEvent.objects.bulk_create(
            AuditEvent(user=user, username=user.username, role=role or "", action="read", what="referral",
                       object_id=r.pk, detail={"purpose": "referral queue"})
            for r in found
        )  # fmt: skip
    return found


def access_queued_referral(user, referral_uuid):
    """(referral, people already known who may be the one referred), for the team whose queue it is in."""
    from kith.people.models import Referral
    from kith.people.services.records import find_duplicates

    scope = Referral.objects.select_related("team", "referrer__profile", "ward", "person")
    role = role_of(user)
    if role in {Role.LINK_WORKER, Role.LEAD}:
        scope = scope.filter(team_id=profile_of(user).team_id)
    elif role != Role.ADMINISTRATOR:
        scope = scope.none()
    referral = scope.filter(uuid=_parse(user, referral_uuid, "referral")).first()
    if referral is None:
        refuse(user, "referral", referral_uuid)
    audit.record(user=user, action="read", what="referral", object_id=referral.pk)
    matches = []
    if referral.status == Referral.Status.NEW:
        if referral.nhs_number:
            matches += list(caseload_of(user).filter(team=referral.team, nhs_number=referral.nhs_number))
        matches += find_duplicates(
            team=referral.team,
            given_name=referral.given_name,
            family_name=referral.family_name,
            date_of_birth=referral.date_of_birth,
            postcode=referral.postcode,
        )
        matches = list({p.pk: p for p in matches}.values())
        audit_caseload_read(user, matches, purpose="referral matching")
    return referral, matches
