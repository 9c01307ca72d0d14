"""Responses to a referrer as BaRS `servicerequest-response` messages: accepted, declined, and at close a summary.

SNOMED CT only for the two concepts the national guidance names (referred, declined); everything else Kith says
is coded in its own code system (served at /fhir/CodeSystem/kith-outcome), never an invented SNOMED or LOINC id.
Where the person has not agreed to share outcome details with the referrer, only the codes go.
"""

import uuid

from django.conf import settings
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from kith.interop.bars import CATEGORIES, EVENTS, NHS_NUMBER
from kith.people.models import SnomedCode

SNOMED = "http://snomed.info/sct"
REASONS = "https://fhir.nhs.uk/CodeSystem/message-reason-bars"
KITH_CODE_SYSTEM = "kith-outcome"

# Kith's own codes: (code, display, unit or "")
KITH_CODES = [
    ("connections-made", "Connections made (the person went at least once)", "connections"),
    ("connections-sustained", "Connections sustained (still going when the record closed)", "connections"),
    ("connection", "A connection the person made, with how it went in their words", ""),
    ("ons4-life-satisfaction", "ONS4: overall, how satisfied are you with your life nowadays? (0-10)", "score"),
    ("ons4-worthwhile", "ONS4: to what extent do you feel the things you do are worthwhile? (0-10)", "score"),
    ("ons4-happiness", "ONS4: overall, how happy did you feel yesterday? (0-10)", "score"),
    ("ons4-anxiety", "ONS4: overall, how anxious did you feel yesterday? (0-10)", "score"),
    ("swemwbs-metric", "SWEMWBS metric score (7-35)", "score"),
    # The PRSB dataset's groups and items (kith.interop.prsb)
    ("demographics", "Demographics", ""),
    ("needs-and-concerns", "Needs and concerns", ""),
    ("support-offered", "Support offered", ""),
    ("outcomes", "Outcomes", ""),
    ("want", "What matters: a want", ""),
    ("barrier", "A barrier to taking part", ""),
]
DISPLAY = {code: display for code, display, _ in KITH_CODES}
UNIT = {code: unit for code, _, unit in KITH_CODES}
TASK_STATUS = {"accepted": "accepted", "declined": "rejected", "closed": "completed"}
REQUEST_STATUS = {"accepted": "active", "declined": "revoked", "closed": "completed"}


def code_system_url() -> str:
    return f"{settings.KITH_BASE_URL}/fhir/CodeSystem/{KITH_CODE_SYSTEM}"


def kith_concept(code: str) -> dict:
    return {"coding": [{"system": code_system_url(), "code": code, "display": DISPLAY[code]}]}


def _observation(code: dict, patient: str, when, **value) -> dict:
    return {
        "fullUrl": f"urn:uuid:{uuid.uuid4()}",
        "resource": {
            "resourceType": "Observation",
            "status": "final",
            "code": code,
            "subject": {"reference": patient},
            "effectiveDateTime": when.isoformat(),
            **value,
        },
    }


def _count(code: str, number: int, patient: str, when) -> dict:
    return _observation(kith_concept(code), patient, when, valueQuantity={"value": number, "unit": UNIT[code]})


def _outcome_entries(outcome, patient: str) -> list[dict]:
    """The closing summary's details: only where the person agreed to share them."""
    closed = outcome.closed_at
    entries = [
        _count("connections-made", outcome.connections_made, patient, closed),
        _count("connections-sustained", outcome.connections_sustained, patient, closed),
    ]
    for connection in outcome.connections:
        entries.append(
            _observation(
                kith_concept("connection"),
                patient,
                closed,
                valueString=f"{connection.service}: {connection.status}",
                **({"note": [{"text": connection.persons_words}]} if connection.persons_words else {}),
            )
        )
    for score in outcome.wellbeing:
        taken = score.taken_on
        if score.instrument == "swemwbs" and score.swemwbs_metric is not None:
            entries.append(
                _observation(
                    kith_concept("swemwbs-metric"),
                    patient,
                    taken,
                    valueQuantity={"value": score.swemwbs_metric, "unit": "score"},
                )
            )
        elif score.instrument == "ons4":
            for item, value in sorted(score.answers.items()):
                code = "ons4-" + item.replace("_", "-")
                if code in DISPLAY:
                    entries.append(
                        _observation(
                            kith_concept(code), patient, taken, valueQuantity={"value": value, "unit": "score"}
                        )
                    )
    return entries


def summary_of(kind: str, outcome) -> str:
    """What a response says, in words that name no one (for the outbox page)."""
    referral = outcome.referral
    if kind == "accepted":
        return "Accepted onto the caseload."
    if kind == "declined":
        return "Declined" + (" (the person said no: 871711000000103)." if referral.person_declined else ".")
    if not outcome.shares_details:
        return "Closed; codes only (the person has not agreed to share outcome details)."
    return (
        f"Closed: {_counted(outcome.connections_made, 'connection')} made, {outcome.connections_sustained} still "
        f"going; {_counted(len(outcome.wellbeing), 'wellbeing score')}."
    )


def _counted(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


def response(kind: str, outcome, *, answering: str, destination: str, message_id: str) -> str:
    """The response message as FHIR JSON, validated by the library; `answering` is the referral's message id."""
    referral = outcome.referral
    now = timezone.now()
    header, request = f"urn:uuid:{uuid.uuid4()}", f"urn:uuid:{_uuid_or_new(referral.external_id)}"
    patient, task = f"urn:uuid:{uuid.uuid4()}", f"urn:uuid:{uuid.uuid4()}"
    if kind == "closed" and outcome.shares_details:
        business = summary_of(kind, outcome)
    else:
        business = {"accepted": "Accepted", "declined": "Declined", "closed": "Closed"}[kind]
    entries = [
        {
            "fullUrl": header,
            "resource": {
                "resourceType": "MessageHeader",
                "eventCoding": {"system": EVENTS, "code": "servicerequest-response"},
                "reason": {"coding": [{"system": REASONS, "code": "new"}]},
                "destination": [{"endpoint": destination or "unknown"}],
                "source": {"name": f"Kith: {referral.team.name}", "endpoint": f"{settings.KITH_BASE_URL}/fhir"},
                "response": {"identifier": answering, "code": "ok"},
                "focus": [{"reference": request}],
            },
        },
        {
            "fullUrl": request,
            "resource": {
                "resourceType": "ServiceRequest",
                **({"id": referral.external_id} if _is_id(referral.external_id) else {}),
                "status": REQUEST_STATUS[kind],
                "intent": "plan",
                "category": [{"coding": [{"system": CATEGORIES, "code": "referral"}]}],
                "code": {
                    "coding": [{"system": SNOMED, "code": SnomedCode.REFERRED, "display": SnomedCode.REFERRED.label}]
                },
                "subject": {"reference": patient},
            },
        },
        {
            "fullUrl": patient,
            "resource": {
                "resourceType": "Patient",
                **(
                    {"identifier": [{"system": NHS_NUMBER, "value": referral.nhs_number}]}
                    if referral.nhs_number
                    else {}
                ),
                "name": [patient_name(referral.given_name, referral.family_name)],
                **({"birthDate": referral.date_of_birth.isoformat()} if referral.date_of_birth else {}),
            },
        },
        {
            "fullUrl": task,
            "resource": {
                "resourceType": "Task",
                "status": TASK_STATUS[kind],
                "intent": "order",
                "focus": {"reference": request},
                "for": {"reference": patient},
                "businessStatus": {"text": business},
                **({"statusReason": {"text": referral.decline_reason}} if kind == "declined" else {}),
                "lastModified": now.isoformat(),
                "owner": {"display": referral.team.name},
            },
        },
    ]
    if kind == "declined" and referral.person_declined:
        declined = {"coding": [{"system": SNOMED, "code": SnomedCode.DECLINED, "display": SnomedCode.DECLINED.label}]}
        entries.append(_observation(declined, patient, referral.decided_at or now))
    if kind == "closed" and outcome.shares_details:
        entries += _outcome_entries(outcome, patient)
    bundle = Bundle.model_validate(
        {"resourceType": "Bundle", "id": message_id, "type": "message", "timestamp": now.isoformat(), "entry": entries}
    )
    return bundle.model_dump_json(exclude_none=True)


def patient_name(given: str, family: str) -> dict:
    """A HumanName with only the parts there are (FHIR refuses empty strings)."""
    return {
        **({"family": family.strip()} if family and family.strip() else {}),
        **({"given": given.split()} if given and given.strip() else {}),
    }


def _uuid_or_new(value: str) -> str:
    """The referrer's ServiceRequest id where it is a UUID (as BaRS's are), else a new one for this message."""
    try:
        return str(uuid.UUID(value))
    except (ValueError, TypeError, AttributeError):
        return str(uuid.uuid4())


def _is_id(value: str) -> bool:
    """A FHIR id: 1-64 of letters, digits, '-' and '.'."""
    return 0 < len(value or "") <= 64 and all(c.isalnum() or c in "-." for c in value) and value.isascii()


def code_system() -> str:
    """Kith's outcome codes as a FHIR CodeSystem, served where their system URL points."""
    from fhir.resources.R4B.codesystem import CodeSystem

    return CodeSystem(
        url=code_system_url(),
        name="KithOutcome",
        title="Kith outcome codes",
        status="active",
        content="complete",
        description=(
            "What Kith tells a referrer about a social-prescribing referral beyond the SNOMED CT concepts of the "
            "national guidance: connections made and sustained, and wellbeing scores."
        ),
        concept=[{"code": code, "display": display} for code, display, _ in KITH_CODES],
    ).model_dump_json(exclude_none=True)
