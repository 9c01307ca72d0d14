"""BaRS's required elements and fixed codes, one row each; and the published examples, read as they are."""

import pytest
from fhir.resources.R4B.bundle import Bundle

from kith.interop import bars
from tests.interop.messages import referral_message, replaced, without

HEADER, REQUEST, PATIENT = ["entry", 0, "resource"], ["entry", 1, "resource"], ["entry", 2, "resource"]


def problems_of(message: dict) -> list[str]:
    return [p.where for p in bars.problems(bars.Message(Bundle.model_validate(message)))]


def test_a_whole_referral_breaks_no_rule():
    assert problems_of(referral_message()) == []


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda m: replaced(m, ["type"], "collection"), "Bundle.type"),
        (lambda m: replaced(m, ["entry"], m["entry"][1:]), "Bundle.entry[0]"),
        (
            lambda m: replaced(m, [*HEADER, "eventCoding", "code"], "servicerequest-response"),
            "MessageHeader.eventCoding",
        ),
        (
            lambda m: replaced(m, [*HEADER, "eventCoding", "system"], "https://example.org/events"),
            "MessageHeader.eventCoding",
        ),
        (lambda m: replaced(m, [*HEADER, "reason", "coding", 0, "code"], "whim"), "MessageHeader.reason"),
        (lambda m: without(m, [*HEADER, "reason"]), "MessageHeader.reason"),
        (lambda m: replaced(m, [*HEADER, "focus", 0, "reference"], "urn:uuid:nowhere"), "MessageHeader.focus"),
        (lambda m: replaced(m, [*REQUEST, "category", 0, "coding", 0, "code"], "booking"), "ServiceRequest.category"),
        (lambda m: replaced(m, [*REQUEST, "subject", "reference"], "urn:uuid:nobody"), "ServiceRequest.subject"),
        (lambda m: without(m, [*PATIENT, "identifier"]), "Patient.identifier"),
        (lambda m: replaced(m, [*PATIENT, "identifier", 0, "value"], "9434765918"), "Patient.identifier.value"),
        (lambda m: without(m, [*PATIENT, "name"]), "Patient.name"),
        (lambda m: without(m, [*PATIENT, "address"]), "Patient.address.postalCode"),
    ],
)
def test_each_rule_refuses_what_breaks_it(change, where):
    assert where in problems_of(change(referral_message()))


def test_the_referral_a_message_carries():
    message = referral_message(request_id="5b1d7a84-8b0c-4f0e-9a49-000000000001")
    found = bars.referral_of(bars.Message(Bundle.model_validate(message)))
    assert found.reason == "new" and not found.cancelled
    assert found.request_id == "5b1d7a84-8b0c-4f0e-9a49-000000000001"
    assert (found.given_name, found.family_name, found.nhs_number, found.postcode) == (
        "Arthur",
        "Synthetic",
        "9434765919",
        "M9 4DH",
    )
    assert found.words == "Lonely since his wife died; used to love walking."  # the referral code is its own row
    assert found.organisation == "DEMO01"
    other = replaced(message, [*REQUEST, "code"], {"text": "Befriending"})
    assert bars.referral_of(bars.Message(Bundle.model_validate(other))).words.startswith("Befriending\n")
    assert "used to love walking" in found.words and found.phone == "0161 496 0000"
    cancelled = bars.referral_of(
        bars.Message(Bundle.model_validate(referral_message(reason="update", status="revoked")))
    )
    assert cancelled.cancelled


@pytest.mark.parametrize(
    ("name", "breaks"),
    [
        ("REFREQ03 - Referral Service Request New Full - Primary Care to Community Pharmacy - Minor Illness.xml", []),
        ("REFREQ07 - Referral Service Request New Full - GP to OC.xml", []),
        ("SERVREQ01 - Service Request Update - Revoked.xml", []),
        (
            "REFRESP01 - Referral Service Request Response New Full - ED to 111 Safeguarding DNA Feedback.xml",
            ["MessageHeader.eventCoding"],
        ),
    ],
)
def test_the_published_examples(reference_dir, name, breaks):
    # NHS Digital's own examples (no licence: read from the reference folder, never copied).
    bundle = Bundle.model_validate_xml((reference_dir / "fhir-bars" / "examples" / name).read_bytes())
    found = problems_of(bundle.model_dump(mode="json", by_alias=True, exclude_none=True))
    # Their patient's NHS number, 347 852 6985, fails the modulus 11 check (its check digit would be 1): Kith
    # refuses it as it would any number a person could not have. Every other rule holds.
    assert found == [*breaks, "Patient.identifier.value"]
