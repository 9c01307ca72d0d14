"""The NHS Booking and Referral Standard (BaRS) as Kith reads it: what a referral message must hold, and the
referral it becomes. Plain FHIR R4 resources in (parsed by fhir.resources), plain data out; no database.

The library checks FHIR's structure; the rules here are BaRS's own required elements and fixed codes, each a
row of RULES so that a test can walk the table (see docs/interoperability.md).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from kith.people import nhs_number

EVENTS = "https://fhir.nhs.uk/CodeSystem/message-events-bars"
CATEGORIES = "https://fhir.nhs.uk/CodeSystem/message-category-servicerequest"
NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
ODS_CODE = "https://fhir.nhs.uk/Id/ods-organization-code"
SNOMED = "http://snomed.info/sct"
REFERRED = "871731000000106"
REQUEST = "servicerequest-request"
REASONS = ("new", "update", "delete")
CANCELLED = ("revoked", "entered-in-error")


@dataclass(frozen=True)
class Problem:
    """Why a message is refused: where in the message (FHIRPath-like) and what is wrong, in words."""

    where: str
    text: str


class Message:
    """A parsed message Bundle with its entries found by reference."""

    def __init__(self, bundle):
        self.bundle = bundle
        self.entries = [e for e in (bundle.entry or []) if e.resource is not None]
        self.by_reference = {}
        for entry in self.entries:
            resource = entry.resource
            if entry.fullUrl:
                self.by_reference[entry.fullUrl] = resource
            if getattr(resource, "id", None):
                self.by_reference[f"{resource.get_resource_type()}/{resource.id}"] = resource

    @property
    def header(self):
        first = self.entries[0].resource if self.entries else None
        return first if first is not None and first.get_resource_type() == "MessageHeader" else None

    def resolve(self, reference):
        return self.by_reference.get(getattr(reference, "reference", None) or "")

    @property
    def service_request(self):
        header = self.header
        focus = header.focus if header is not None and header.focus else []
        found = self.resolve(focus[0]) if focus else None
        return found if found is not None and found.get_resource_type() == "ServiceRequest" else None

    @property
    def patient(self):
        request = self.service_request
        found = self.resolve(request.subject) if request is not None else None
        return found if found is not None and found.get_resource_type() == "Patient" else None

    @property
    def service_request_id(self) -> str:
        """The referral's own identity across its messages: the ServiceRequest's id or its entry's URL."""
        request = self.service_request
        for entry in self.entries:
            if entry.resource is request:
                return request.id or (entry.fullUrl or "").removeprefix("urn:uuid:")
        return ""


def _nhs_numbers(patient) -> list[str]:
    return [i.value or "" for i in (patient.identifier or []) if i.system == NHS_NUMBER] if patient else []


def _codes(concepts, system) -> set[str]:
    return {c.code for concept in concepts or [] for c in concept.coding or [] if c.system == system}


# (where, check, what is wrong): each check takes the Message and says whether the rule holds.
RULES: list[tuple[str, Callable[[Message], bool], str]] = [
    ("Bundle.type", lambda m: m.bundle.type == "message", "The Bundle must be of type message."),
    ("Bundle.entry[0]", lambda m: m.header is not None, "The first entry must be a MessageHeader."),
    (
        "MessageHeader.eventCoding",
        lambda m: m.header is None or (m.header.eventCoding.system == EVENTS and m.header.eventCoding.code == REQUEST),
        f"The event must be {REQUEST} from {EVENTS}.",
    ),
    (
        "MessageHeader.reason",
        lambda m: (
            m.header is None or bool(m.header.reason and {c.code for c in m.header.reason.coding or []} & set(REASONS))
        ),
        "The reason must be new, update or delete.",
    ),
    (
        "MessageHeader.source.endpoint",
        lambda m: m.header is None or bool(m.header.source and m.header.source.endpoint),
        "The sender's endpoint is needed to answer.",
    ),
    (
        "MessageHeader.focus",
        lambda m: m.header is None or m.service_request is not None,
        "The message's focus must be a ServiceRequest in the Bundle.",
    ),
    (
        "ServiceRequest.category",
        lambda m: (
            m.service_request is None
            or bool(_codes(m.service_request.category, CATEGORIES) & {"referral", "validation"})
        ),
        "The ServiceRequest's category must be referral.",
    ),
    (
        "ServiceRequest.subject",
        lambda m: m.service_request is None or m.patient is not None,
        "The ServiceRequest's subject must be a Patient in the Bundle.",
    ),
    (
        "Patient.identifier",
        lambda m: m.patient is None or len(_nhs_numbers(m.patient)) == 1,
        "The Patient must have one NHS number.",
    ),
    (
        "Patient.identifier.value",
        lambda m: m.patient is None or all(nhs_number.is_valid(v) for v in _nhs_numbers(m.patient)),
        "The NHS number is not valid: its check digit does not match.",
    ),
    (
        "Patient.name",
        lambda m: m.patient is None or any(n.given or n.family for n in m.patient.name or []),
        "The Patient must have a name.",
    ),
    (
        "Patient.address.postalCode",
        lambda m: m.patient is None or any(a.postalCode for a in m.patient.address or []),
        "The Patient's postcode is needed to find the team that covers where they live.",
    ),
]


def problems(message: Message) -> list[Problem]:
    """Every BaRS rule the message breaks; none means Kith can take it."""
    return [Problem(where, text) for where, holds, text in RULES if not holds(message)]


@dataclass(frozen=True)
class Referral:
    """What a valid referral message says, in Kith's terms."""

    reason: str  # new, update or delete
    status: str  # the ServiceRequest's: active, revoked, entered-in-error...
    request_id: str
    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    nhs_number: str
    postcode: str
    phone: str
    email: str
    words: str
    requester: str
    organisation: str  # the requesting organisation's ODS code, where the message gives it

    @property
    def cancelled(self) -> bool:
        return self.status in CANCELLED or self.reason == "delete"


def _text(concepts) -> list[str]:
    return [c.text or next((x.display for x in c.coding or [] if x.display), "") for c in concepts or []]


def _ods_code(message: Message, requester) -> str:
    """The ODS code of the requester's organisation: the requester itself, or a PractitionerRole's."""
    if requester is not None and requester.get_resource_type() == "PractitionerRole" and requester.organization:
        requester = message.resolve(requester.organization)
    if requester is None or requester.get_resource_type() != "Organization":
        return ""
    return next((i.value or "" for i in requester.identifier or [] if i.system == ODS_CODE), "")[:12]


def referral_of(message: Message) -> Referral:
    """The referral a message carries (call only when `problems` found none)."""
    header, request, patient = message.header, message.service_request, message.patient
    name = next(n for n in patient.name or [] if n.given or n.family)
    telecom = {t.system: t.value for t in reversed(patient.telecom or []) if t.value}
    requester = message.resolve(request.requester)
    words = [*_text(request.reasonCode), *(note.text for note in request.note or [] if note.text)]
    if request.code and not _codes([request.code], SNOMED) & {REFERRED}:  # the referral code itself says nothing new
        words.insert(0, _text([request.code])[0])
    return Referral(
        reason=next(c.code for c in header.reason.coding if c.code in REASONS),
        status=request.status or "",
        request_id=message.service_request_id,
        given_name=" ".join(name.given or [])[:100],
        family_name=(name.family or "")[:100],
        date_of_birth=patient.birthDate,
        nhs_number=nhs_number.normalise(_nhs_numbers(patient)[0]),
        postcode=next(a.postalCode for a in patient.address if a.postalCode),
        phone=(telecom.get("phone") or "")[:30],
        email=(telecom.get("email") or "")[:254],
        words="\n".join(w for w in words if w) or "Referred to social prescribing.",
        requester=requester.get_resource_type() if requester is not None else "",
        organisation=_ods_code(message, requester),
    )
