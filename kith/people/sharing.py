"""Reads for sharing beyond Kith: what a referring system is told, and the PRSB dataset. Checked and audited
as kith.people.access is; plain data out, so that the FHIR that carries it is built elsewhere (kith.interop)."""

from dataclasses import dataclass, field

from kith.core import audit
from kith.people.models import Consent, ConsentPurpose, Referral, WellbeingScore
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
