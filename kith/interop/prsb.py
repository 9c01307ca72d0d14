"""The PRSB Social Prescribing Standard's four groups, out: one person's dataset, or a period's counts, as FHIR and CSV.

The standard's full item list could not be seen here, so Kith claims no item-level conformance: it maps what it
holds to the four groups the standard names (MAPPING, printed in docs/interoperability.md) and codes anything
beyond the two SNOMED CT concepts of the national guidance in its own code system.
"""

import re
import uuid

from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from kith.core import disclosure
from kith.core.spreadsheet import csv_text
from kith.interop.bars import NHS_NUMBER
from kith.interop.responses import SNOMED, code_system_url, kith_concept, patient_name
from kith.people.models import SnomedCode

GROUPS = ["demographics", "needs and concerns", "support offered", "outcomes"]
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"

# (group, what Kith holds, where it goes in FHIR)
MAPPING = [
    ("demographics", "NHS number, name, date of birth, postcode", "Patient.identifier, .name, .birthDate, .address"),
    ("demographics", "phone, email, preferred contact, languages", "Patient.telecom, .communication"),
    ("needs and concerns", "what matters to them, in their words", "CarePlan.description"),
    ("needs and concerns", "wants (what matters category), their words and status", "Observation (kith-outcome#want)"),
    ("needs and concerns", "barriers (cost, transport, confidence...)", "Observation (kith-outcome#barrier)"),
    ("support offered", "referrals: source, date, words, SNOMED 871731000000106", "ServiceRequest (referral)"),
    (
        "support offered",
        "connections: the activity, its organisation, stage",
        "ServiceRequest (activity), CarePlan.activity",
    ),
    ("support offered", "the team and link worker", "CarePlan.author, Patient.generalPractitioner is not held"),
    ("outcomes", "wellbeing: ONS4 items, SWEMWBS metric score, each dated", "QuestionnaireResponse (ons4, swemwbs)"),
    ("outcomes", "connections made and sustained", "Observation (kith-outcome#connections-made, -sustained)"),
    ("outcomes", "how a connection went, in the person's words", "ServiceRequest.note"),
    ("outcomes", "record closed, and when", "CarePlan.status completed, CarePlan.period.end"),
]


def _entry(resource: dict) -> dict:
    return {"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": resource}


def _language(text: str) -> dict:
    """A language as a BCP 47 code where it is one (as Kith asks for ISO 639 codes), else as the words given."""
    code = text.strip()
    if re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*", code):
        return {"coding": [{"system": "urn:ietf:bcp:47", "code": code}]}
    return {"text": " ".join(code.split())}


def person_bundle(data) -> str:
    """One person's dataset as a FHIR collection Bundle, validated by the library."""
    from kith.people.sharing import MADE, SUSTAINED

    person = data.person
    patient = _entry(
        {
            "resourceType": "Patient",
            **({"identifier": [{"system": NHS_NUMBER, "value": person.nhs_number}]} if person.nhs_number else {}),
            "name": [patient_name(person.given_name, person.family_name)],
            **({"birthDate": person.date_of_birth.isoformat()} if person.date_of_birth else {}),
            **({"address": [{"postalCode": person.postcode}]} if person.postcode else {}),
            "telecom": [
                {"system": system, "value": value}
                for system, value in (("phone", person.phone), ("email", person.email))
                if value
            ]
            or None,
            "communication": [{"language": _language(code)} for code in person.languages.split(",") if code.strip()]
            or None,
        }
    )
    subject = {"reference": patient["fullUrl"]}
    entries = [patient]
    for want in data.wants:
        entries.append(
            _entry(
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "category": [kith_concept("needs-and-concerns")],
                    "code": kith_concept("want"),
                    "subject": subject,
                    "effectiveDateTime": want["since"].isoformat(),
                    "valueCodeableConcept": {"text": want["term"]},
                    "note": [{"text": want["words"]}] if want["words"] else None,
                    "interpretation": [{"text": want["status"]}],
                }
            )
        )
    for barrier in data.barriers:
        entries.append(
            _entry(
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "category": [kith_concept("needs-and-concerns")],
                    "code": kith_concept("barrier"),
                    "subject": subject,
                    "valueCodeableConcept": {"text": barrier["name"]},
                    "note": [{"text": barrier["note"]}] if barrier["note"] else None,
                }
            )
        )
    activities = []
    for referral in data.referrals:
        code = referral["code"] or SnomedCode.REFERRED
        entries.append(
            _entry(
                {
                    "resourceType": "ServiceRequest",
                    "status": {"new": "active", "accepted": "active"}.get(referral["status"], "revoked"),
                    "intent": "order",
                    "code": {"coding": [{"system": SNOMED, "code": code, "display": SnomedCode(code).label}]},
                    "subject": subject,
                    "authoredOn": referral["received"].isoformat(),
                    "reasonCode": [{"text": referral["words"]}] if referral["words"] else None,
                    "requester": {
                        "display": referral["source"]
                        + (f" through {referral['through']}" if referral["through"] else "")
                    },
                }
            )
        )
    for connection in data.connections:
        activity = _entry(
            {
                "resourceType": "ServiceRequest",
                "status": "completed" if connection["status"] in {"stopped", "not-suitable"} else "active",
                "intent": "plan",
                "category": [kith_concept("support-offered")],
                "code": {"text": connection["service"]},
                "subject": subject,
                "authoredOn": connection["since"].isoformat(),
                "performer": [{"display": connection["organisation"]}] if connection["organisation"] else None,
                "note": [{"text": connection["persons_words"]}] if connection["persons_words"] else None,
                "orderDetail": [{"text": connection["status_name"]}],
            }
        )
        entries.append(activity)
        activities.append({"reference": {"reference": activity["fullUrl"]}})
    for score in data.wellbeing:
        items = (
            [{"linkId": "swemwbs-metric", "answer": [{"valueDecimal": score.swemwbs_metric}]}]
            if score.instrument == "swemwbs" and score.swemwbs_metric is not None
            else [
                {"linkId": item, "answer": [{"valueInteger": value}]} for item, value in sorted(score.answers.items())
            ]
        )
        entries.append(
            _entry(
                {
                    "resourceType": "QuestionnaireResponse",
                    "status": "completed",
                    "subject": subject,
                    "authored": score.taken_on.isoformat(),
                    "identifier": {"system": code_system_url(), "value": f"{score.instrument}-{score.occasion}"},
                    "item": items,
                }
            )
        )
    for code, statuses in (("connections-made", MADE), ("connections-sustained", SUSTAINED)):
        entries.append(
            _entry(
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "category": [kith_concept("outcomes")],
                    "code": kith_concept(code),
                    "subject": subject,
                    "effectiveDateTime": (person.closed_at or timezone.now()).isoformat(),
                    "valueQuantity": {
                        "value": sum(c["status"] in statuses for c in data.connections),
                        "unit": "connections",
                    },
                }
            )
        )
    entries.append(
        _entry(
            {
                "resourceType": "CarePlan",
                "status": "completed" if person.closed_at else "active",
                "intent": "plan",
                "title": "Social prescribing",
                "description": person.what_matters or None,
                "subject": subject,
                "period": {
                    "start": person.opened_at.isoformat(),
                    **({"end": person.closed_at.isoformat()} if person.closed_at else {}),
                },
                "author": {"display": person.team.name},
                "activity": activities or None,
            }
        )
    )
    bundle = Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "id": str(uuid.uuid4()),
            "type": "collection",
            "timestamp": timezone.now().isoformat(),
            "entry": entries,
        }
    )
    return bundle.model_dump_json(exclude_none=True)


def person_rows(data) -> list[dict]:
    """The same dataset as rows of (group, item, value, date), for a spreadsheet."""
    person = data.person
    rows = [
        ("demographics", "NHS number", person.nhs_number, ""),
        ("demographics", "name", person.display_name, ""),
        ("demographics", "date of birth", person.date_of_birth or "", ""),
        ("demographics", "postcode", person.postcode, ""),
        ("demographics", "languages", person.languages, ""),
        ("needs and concerns", "what matters", person.what_matters, ""),
        *(
            ("needs and concerns", f"want: {w['term']}", w["words"] or w["status"], w["since"].date())
            for w in data.wants
        ),
        *(("needs and concerns", f"barrier: {b['name']}", b["note"], "") for b in data.barriers),
        *(
            ("support offered", "referral", f"{r['source']}: {r['words']}", r["received"].date())
            for r in data.referrals
        ),
        *(
            ("support offered", f"connection: {c['service']}", c["status_name"], c["since"].date())
            for c in data.connections
        ),
        *(
            (
                "outcomes",
                f"{s.instrument} ({s.occasion})",
                s.swemwbs_metric if s.instrument == "swemwbs" else s.answers,
                s.taken_on,
            )
            for s in data.wellbeing
        ),
        *(
            ("outcomes", f"how it went: {c['service']}", c["persons_words"], "")
            for c in data.connections
            if c["persons_words"]
        ),
        (
            "outcomes",
            "record closed",
            "yes" if person.closed_at else "no",
            person.closed_at.date() if person.closed_at else "",
        ),
    ]
    return [{"group": g, "item": i, "value": v, "date": d} for g, i, v, d in rows]


def period_rows(counts: dict[str, dict[str, int]]) -> list[dict]:
    """A period's counts of people, each controlled for disclosure ("*" for 1 to 7, others to the nearest 5)."""
    return [
        {"group": group, "item": item, "people": disclosure.count(value)}
        for group in GROUPS
        for item, value in counts.get(group, {}).items()
    ]


def period_bundle(rows: list[dict], start, end, area: str) -> str:
    """A period's controlled counts as FHIR Observations of a group of people; a hidden count is `masked`."""
    group = _entry({"resourceType": "Group", "type": "person", "actual": True, "name": f"People supported by {area}"})
    entries = [group]
    for row in rows:
        value = (
            {"dataAbsentReason": {"coding": [{"system": DATA_ABSENT, "code": "masked"}]}}
            if row["people"] == disclosure.SUPPRESSED
            else {"valueQuantity": {"value": row["people"], "unit": "people"}}
        )
        entries.append(
            _entry(
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "category": [kith_concept(row["group"].replace(" ", "-"))],
                    "code": {"text": row["item"]},
                    "subject": {"reference": group["fullUrl"]},
                    "effectivePeriod": {"start": start.isoformat(), "end": end.isoformat()},
                    **value,
                }
            )
        )
    bundle = Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "id": str(uuid.uuid4()),
            "type": "collection",
            "timestamp": timezone.now().isoformat(),
            "entry": entries,
        }
    )
    return bundle.model_dump_json(exclude_none=True)


def as_csv(rows: list[dict]) -> str:
    """Rows as CSV, every cell safe to open in a spreadsheet (people's words are data, never formulas)."""
    return csv_text(list(rows[0]) if rows else ["group", "item", "value"], [list(row.values()) for row in rows])
