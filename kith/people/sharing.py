"""Reads for sharing beyond Kith: what a referring system is told, and the PRSB dataset. Checked and audited
as kith.people.access is; plain data out, so that the FHIR that carries it is built elsewhere (kith.interop)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from kith.core import audit
from kith.people.access import access_person, counted_in_insight
from kith.people.models import BarrierKind, Consent, ConsentPurpose, Referral, ReferralSource, WellbeingScore
from kith.people.stages import ConnectionStatus

# Connections that count as made: the person went at least once. Sustained: still going when the record closed.
MADE = {ConnectionStatus.TRIED, ConnectionStatus.ATTENDING, ConnectionStatus.STOPPED}
SUSTAINED = {ConnectionStatus.ATTENDING}


@dataclass(frozen=True)
class Score:
    instrument: str  # ons4, swemwbs
    occasion: str
    taken_on: object  # date
    answers: dict
    swemwbs_metric: float | None


@dataclass(frozen=True)
class ConnectionMade:
    service: str
    status: str
    persons_words: str


@dataclass
class ReferrerOutcome:
    """What became of a referral from another system, as far as the person agreed it may be told."""

    referral: Referral
    closed_at: object = None
    shares_details: bool = False  # the person agreed to share outcome details with the referrer
    connections_made: int = 0
    connections_sustained: int = 0
    wellbeing: list[Score] = field(default_factory=list)  # first and latest of each instrument
    connections: list[ConnectionMade] = field(default_factory=list)  # only when details are shared


def shares_outcomes(person_id: int) -> bool:
    """The person's latest decision on sharing outcome details with the referrer, in force, was yes."""
    latest = (
        Consent.objects.filter(person_id=person_id, purpose=ConsentPurpose.SHARE_OUTCOMES, withdrawn_at__isnull=True)
        .order_by("-recorded_at", "-id")
        .first()
    )
    return latest is not None and latest.decision == Consent.Decision.AGREED


def _first_and_latest(scores: list[WellbeingScore]) -> list[Score]:
    kept = []
    for instrument in ("ons4", "swemwbs"):
        taken = [s for s in scores if s.instrument == instrument]
        if len(taken) >= 2:  # one score shows no change
            for s in (taken[0], taken[-1]):
                metric = float(s.swemwbs_metric) if s.swemwbs_metric is not None else None
                kept.append(Score(s.instrument, s.occasion, s.taken_on, dict(s.answers), metric))
    return kept


def referrals_from_systems(person_id: int) -> list[int]:
    """The person's referrals that came from connected systems (their ids)."""
    found = Referral.objects.filter(person_id=person_id).exclude(external_system="").order_by("pk")
    return list(found.values_list("pk", flat=True))


def referrer_outcome(referral_id: int, *, system: str) -> ReferrerOutcome:
    """For a response to the referring system: the referral, and at close the person's outcomes (audited)."""
    referral = Referral.objects.select_related("person").get(pk=referral_id)
    outcome = ReferrerOutcome(referral=referral)
    person = referral.person
    if person is None or person.anonymised_at is not None:
        return outcome
    outcome.closed_at = person.closed_at
    if person.closed_at is None:
        return outcome
    connections = list(person.connections.select_related("service").order_by("created_at"))
    outcome.connections_made = sum(c.status in MADE for c in connections)
    outcome.connections_sustained = sum(c.status in SUSTAINED for c in connections)
    outcome.shares_details = shares_outcomes(person.pk)
    if outcome.shares_details:
        outcome.wellbeing = _first_and_latest(list(person.wellbeing.order_by("taken_on", "id")))
        outcome.connections = [
            ConnectionMade(c.service.name, c.get_status_display(), c.persons_words)
            for c in connections
            if c.status in MADE
        ]
    audit.record(
        user=None, username=f"(system: {system})", action="read", what="person", object_id=person.pk,
        person=person.uuid, purpose="outcome for the referrer", details_shared=outcome.shares_details,
    )  # fmt: skip
    return outcome


__all__ = ["MADE", "SUSTAINED", "ConnectionMade", "ReferrerOutcome", "Score", "referrer_outcome"]


# The PRSB Social Prescribing Standard's four groups, from what Kith holds (docs/interoperability.md).
@dataclass
class PersonDataset:
    """One person's record in the standard's four groups, as plain data."""

    person: object  # Person: group 1, demographics
    wants: list[dict]  # group 2, needs and concerns
    barriers: list[dict]
    referrals: list[dict]  # group 3, support offered
    connections: list[dict]
    wellbeing: list[Score]  # group 4, outcomes
    consents: list[dict]


def prsb_person(user, person_uuid) -> PersonDataset:
    """A person's PRSB dataset, for someone who may open their record (audited as a read for this purpose)."""
    person = access_person(user, person_uuid, purpose="PRSB social prescribing dataset")
    return PersonDataset(
        person=person,
        wants=[
            {
                "term": w.term.name,
                "code": w.term.code,
                "words": w.words,
                "status": w.get_status_display(),
                "since": w.created_at,
            }
            for w in person.wants.select_related("term").order_by("created_at", "id")
        ],
        barriers=[{"kind": b.kind, "name": b.get_kind_display(), "note": b.note} for b in person.barriers.all()],
        referrals=[
            {
                "uuid": r.uuid,
                "source": r.get_source_display(),
                "received": r.received_at,
                "words": r.words,
                "code": r.snomed_code or "",
                "status": r.status,
                "through": r.external_system,
            }
            for r in person.referrals.order_by("received_at")
        ],
        connections=[
            {
                "service": c.service.name,
                "organisation": c.service.organisation.name if c.service.organisation_id else "",
                "status": c.status,
                "status_name": c.get_status_display(),
                "since": c.created_at,
                "persons_words": c.persons_words,
            }
            for c in person.connections.select_related("service__organisation").order_by("created_at", "id")
        ],
        wellbeing=[
            Score(
                s.instrument,
                s.occasion,
                s.taken_on,
                dict(s.answers),
                float(s.swemwbs_metric) if s.swemwbs_metric else None,
            )
            for s in person.wellbeing.order_by("taken_on", "id")
        ],
        consents=[
            {"purpose": c.get_purpose_display(), "decision": c.decision, "recorded": c.recorded_at}
            for c in person.consents.filter(withdrawn_at__isnull=True).order_by("recorded_at")
        ],
    )


def _people_by(people, field: str, prefix: str, names: dict | None = None) -> dict[str, int]:
    """People counted once for each value of a field (a related one included), by the value's name, values that are
    blank left out."""
    rows = people.values(field).annotate(n=Count("id", distinct=True)).order_by(field)
    names = names or {}
    return {f"{prefix}{names.get(row[field], row[field])}": row["n"] for row in rows if row[field]}


def prsb_period(start, end, *, team=None) -> dict[str, dict[str, int]]:
    """Counts of people in the four groups, for records open at any time from `start` to `end` (dates). Raw: the
    caller controls them for disclosure. {group: {item: people}}."""
    # Times, not dates: a __date lookup is a function on every row (SQLite calls back into Python for each).
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    # Aggregates leave Kith: people who objected to being counted in insight are not counted here either.
    people = (
        counted_in_insight().filter(opened_at__lt=until).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=since))
    )
    if team is not None:
        people = people.filter(team=team)
    referred = people.filter(referrals__received_at__gte=since, referrals__received_at__lt=until)
    return {
        "demographics": {
            "people": people.count(),
            **_people_by(people, "referral_source", "referred by: ", dict(ReferralSource.choices)),
        },
        "needs and concerns": {
            **_people_by(people, "wants__term__name", "want: "),
            **_people_by(people, "barriers__kind", "barrier: ", dict(BarrierKind.choices)),
        },
        "support offered": {
            "referred in the period": referred.distinct().count(),
            **_people_by(people, "connections__status", "connection: ", dict(ConnectionStatus.choices)),
        },
        "outcomes": {
            "a connection made": people.filter(connections__status__in=MADE).distinct().count(),
            "a connection sustained": people.filter(connections__status__in=SUSTAINED).distinct().count(),
            "two or more wellbeing scores": people.annotate(scores=Count("wellbeing")).filter(scores__gte=2).count(),
            "closed in the period": people.filter(closed_at__gte=since, closed_at__lt=until).count(),
        },
    }
