"""What Kith's FHIR endpoint accepts, as a CapabilityStatement."""

from django.conf import settings
from fhir.resources.R4B.capabilitystatement import CapabilityStatement


def statement() -> str:
    return CapabilityStatement(
        status="active",
        date="2026-12-07",
        kind="instance",
        name="KithReferralsIn",
        title="Kith: referrals to social prescribing (NHS Booking and Referral Standard)",
        publisher="Kith",
        fhirVersion="4.0.1",
        format=["application/fhir+json", "application/fhir+xml"],
        implementation={"description": "Kith", "url": f"{settings.KITH_BASE_URL}/fhir"},
        software={"name": "Kith"},
        rest=[
            {
                "mode": "server",
                "documentation": "Send a BaRS servicerequest-request message (new, update or delete) to "
                "$process-message with the system's key as a bearer token.",
                "security": {"description": "A key per connected system, sent as Authorization: Bearer."},
                "operation": [
                    {
                        "name": "process-message",
                        "definition": "http://hl7.org/fhir/OperationDefinition/MessageHeader-process-message",
                    }
                ],
            }
        ],
    ).model_dump_json()
