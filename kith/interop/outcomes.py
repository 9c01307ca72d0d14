"""FHIR answers: OperationOutcomes for what is refused (BaRS error codes) and the acknowledgement of a message."""

import uuid

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome

HTTP_ERRORS = "https://fhir.nhs.uk/Codesystem/http-error-codes"
UK_CORE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-OperationOutcome"

# HTTP status → (FHIR issue code, BaRS error code)
ERRORS = {
    400: ("invariant", "SEND_BAD_REQUEST"),
    401: ("security", "SEND_UNAUTHORIZED"),
    404: ("not-found", "SEND_NOT_FOUND"),
    409: ("duplicate", "REC_CONFLICT"),
    413: ("too-long", "SEND_BAD_REQUEST"),
    415: ("not-supported", "SEND_BAD_REQUEST"),
    422: ("invalid", "REC_UNPROCESSABLE_ENTITY"),
    429: ("throttled", "SEND_TOO_MANY_REQUESTS"),
}


def operation_outcome(status: int, diagnostics: list[tuple[str, str]]) -> str:
    """An OperationOutcome as JSON: one issue per (where, what is wrong), in words."""
    code, error = ERRORS[status]
    outcome = OperationOutcome(
        id=str(uuid.uuid4()),
        meta={"profile": [UK_CORE]},
        issue=[
            {
                "severity": "error",
                "code": code,
                "details": {"coding": [{"system": HTTP_ERRORS, "code": error}]},
                "diagnostics": text,
                **({"expression": [where]} if where else {}),
            }
            for where, text in diagnostics
        ],
    )
    return outcome.model_dump_json()


def acknowledgement(message_id: str, referral_uuid: str, source_endpoint: str) -> str:
    """The synchronous answer to a message Kith has taken: a message Bundle whose header says "ok"."""
    header_url = f"urn:uuid:{uuid.uuid4()}"
    bundle = Bundle(
        id=str(uuid.uuid4()),
        type="message",
        entry=[
            {
                "fullUrl": header_url,
                "resource": {
                    "resourceType": "MessageHeader",
                    "eventCoding": {
                        "system": "https://fhir.nhs.uk/CodeSystem/message-events-bars",
                        "code": "servicerequest-response",
                    },
                    "source": {"endpoint": source_endpoint},
                    "response": {"identifier": message_id, "code": "ok"},
                    "focus": [{"identifier": {"system": "https://kith.invalid/referral", "value": referral_uuid}}],
                },
            }
        ],
    )
    return bundle.model_dump_json()
