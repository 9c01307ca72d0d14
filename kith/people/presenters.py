"""Turn people's records into what caseload and record pages show."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from kith.people.charts import change_text, line_svg
from kith.people.models import Instrument, Person
from kith.people.stages import ENDED, ConnectionStatus

SUSTAINED_AFTER = dt.timedelta(weeks=8)


@dataclass
class CaseloadRow:
    """Strings ready to show: a caseload of 250 renders without a URL lookup or date filter per row."""

    uuid: str
    url: str
    opened_text: str
    name: str
    ward: str
    link_worker: str
    opened: dt.date
    follow_ups_due: int
    connections_active: int
    connections_sustained: int
    wellbeing_change: str


def caseload_rows(people: list[Person], *, wellbeing_rows, connection_rows, today: dt.date) -> list[CaseloadRow]:
    """One row per person from three flat lists fetched once each (no query per person)."""
    metrics = defaultdict(list)
    for person_id, metric in wellbeing_rows:
        metrics[person_id].append(metric)
    due, active, sustained = defaultdict(int), defaultdict(int), defaultdict(int)
    now = timezone.now()
    for person_id, status, changed_at, follow_up_on in connection_rows:
        if status in ENDED:
            continue
        active[person_id] += 1
        if follow_up_on and follow_up_on <= today:
            due[person_id] += 1
        if status == ConnectionStatus.ATTENDING and now - changed_at >= SUSTAINED_AFTER:
            sustained[person_id] += 1
    rows = []
    for person in people:
        series = metrics.get(person.pk, [])
        rows.append(
            CaseloadRow(
                uuid=str(person.uuid),
                url=f"/people/{person.uuid}/",
                opened_text=f"{timezone.localtime(person.opened_at):%-d %b %Y}",
                name=person.display_name,
                ward=person.ward.name if person.ward else "",
                link_worker=person.link_worker.get_full_name() or person.link_worker.username
                if person.link_worker
                else "",
                opened=person.opened_at.date(),
                follow_ups_due=due[person.pk],
                connections_active=active[person.pk],
                connections_sustained=sustained[person.pk],
                wellbeing_change=change_text(series[0], series[-1]) if len(series) > 1 else "",
            )
        )
    return rows


@dataclass
class WellbeingView:
    instrument: str
    rows: list[dict]
    chart: str
    change: str


def wellbeing_views(scores) -> list[WellbeingView]:
    views = []
    swemwbs = [s for s in scores if s.instrument == Instrument.SWEMWBS]
    if swemwbs:
        views.append(
            WellbeingView(
                instrument="SWEMWBS (metric score, 7 to 35)",
                rows=[
                    {
                        "date": s.taken_on,
                        "occasion": s.get_occasion_display(),
                        "value": s.swemwbs_metric,
                        "detail": f"raw {s.swemwbs_raw}",
                    }
                    for s in swemwbs
                ],
                chart=line_svg(
                    [(str(s.taken_on), s.swemwbs_metric) for s in swemwbs],
                    low=7,
                    high=35,
                    title="SWEMWBS metric score over time",
                ),
                change=change_text(swemwbs[0].swemwbs_metric, swemwbs[-1].swemwbs_metric) if len(swemwbs) > 1 else "",
            )
        )
    ons4 = [s for s in scores if s.instrument == Instrument.ONS4]
    if ons4:
        from kith.people.wellbeing import ons4_band

        views.append(
            WellbeingView(
                instrument="ONS4 (each 0 to 10; for anxiety, lower is better)",
                rows=[
                    {
                        "date": s.taken_on,
                        "occasion": s.get_occasion_display(),
                        "value": " · ".join(
                            f"{k.replace('_', ' ')} {v} ({ons4_band(k, v)})" for k, v in s.answers.items()
                        ),
                        "detail": "",
                    }
                    for s in ons4
                ],
                chart=line_svg(
                    [(str(s.taken_on), s.answers["life_satisfaction"]) for s in ons4],
                    low=0,
                    high=10,
                    title="ONS4 life satisfaction over time",
                ),
                change=change_text(ons4[0].answers["life_satisfaction"], ons4[-1].answers["life_satisfaction"])
                if len(ons4) > 1
                else "",
            )
        )
    return views


# The record's details as people call them, in the order a person reads them.
DETAIL_LABELS = {
    "given_name": "Given name",
    "family_name": "Family name",
    "preferred_name": "Preferred name",
    "date_of_birth": "Date of birth",
    "nhs_number": "NHS number",
    "postcode": "Postcode",
    "phone": "Phone",
    "email": "Email",
    "preferred_contact": "How they like to be contacted",
    "languages": "Languages other than English",
    "available_times": "When they can go",
    "referral_source": "Referred by",
    "referral_reason": "Reason for referral",
    "snomed_code": "SNOMED code",
    "what_matters": "What matters to them, in their words",
    "team": "Team",
    "opened_at": "Record opened",
    "closed_at": "Record closed",
    "id": "Kith record number",
}


def _day(value: str | None) -> str:
    if not value:
        return ""
    return f"{dt.date.fromisoformat(value[:10]):%-d %B %Y}"


def export_view(data: dict) -> dict:
    """The subject access export in people's words: labels, not field names; names, not codes."""
    from kith.people.languages import language_names
    from kith.people.models import (
        Consent,
        ConsentPurpose,
        ContactMethod,
        Occasion,
        ReferralSource,
        SnomedCode,
        Strength,
        WantStatus,
    )

    person = data["person"]
    shown = {
        **person,
        "date_of_birth": _day(person["date_of_birth"]),
        "preferred_contact": dict(ContactMethod.choices).get(person["preferred_contact"], ""),
        "languages": language_names(person["languages"]),
        "available_times": ", ".join(t.strip().capitalize() + "s" for t in person["available_times"].split(",") if t),
        "referral_source": dict(ReferralSource.choices).get(person["referral_source"], person["referral_source"]),
        "snomed_code": (
            f"{person['snomed_code']} {dict(SnomedCode.choices).get(person['snomed_code'], '')}".strip()
            if person["snomed_code"]
            else ""
        ),
        "opened_at": _day(person["opened_at"]),
        "closed_at": _day(person["closed_at"]),
    }
    statuses, purposes = dict(WantStatus.choices), dict(ConsentPurpose.choices)
    decisions, kinds = dict(Consent.Decision.choices), dict(Strength.Kind.choices)
    instruments, occasions = dict(Instrument.choices), dict(Occasion.choices)
    stages = dict(ConnectionStatus.choices)
    return {
        "made": _day(data["exported_at"]),
        "lawful_basis": data["lawful_basis"],
        "details": [(label, shown[key]) for key, label in DETAIL_LABELS.items() if shown.get(key)],
        "wants": [{**w, "status": statuses.get(w["status"], w["status"])} for w in data["wants"]],
        "barriers": data["barriers"],
        "strengths": [{**s, "kind": kinds.get(s["kind"], s["kind"])} for s in data["strengths"]],
        "wellbeing": [
            {
                **s,
                "taken_on": _day(s["taken_on"]),
                "instrument": instruments.get(s["instrument"], s["instrument"]),
                "occasion": occasions.get(s["occasion"], s["occasion"]),
            }
            for s in data["wellbeing"]
        ],
        "consents": [
            {
                **c,
                "purpose": purposes.get(c["purpose"], c["purpose"]),
                "decision": decisions.get(c["decision"], c["decision"]),
                "recorded_at": _day(c["recorded_at"]),
                "withdrawn_at": _day(c["withdrawn_at"]),
            }
            for c in data["consents"]
        ],
        "connections": [{**c, "status": stages.get(c["status"], c["status"])} for c in data["connections"]],
        "notes": [{**n, "written_at": _day(n["written_at"])} for n in data["notes"]],
    }
