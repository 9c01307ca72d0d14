"""A GP system stand-in, for the demo and the tests, loopback only: it builds referral messages in the shape of the
published BaRS examples with Kith's (synthetic) values, posts them, and takes Kith's responses on its own endpoint.
"""

import datetime as dt
import json
import threading
import uuid
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from fhir.resources.R4B.bundle import Bundle

from kith.interop.bars import EVENTS, NHS_NUMBER, ODS_CODE
from kith.interop.outcomes import operation_outcome

VALID_NHS_NUMBER = "9434765919"  # a test number: its check digit is right, and it is in no one's record
DEMO_PRACTICE = "DEMO01"  # not a real ODS code
PATH = "/fhir/$process-message"


def referral_message(
    *,
    reason="new",
    status="active",
    request_id=None,
    nhs_number=VALID_NHS_NUMBER,
    postcode="M9 4DH",
    message_id=None,
    given="Arthur",
    family="Synthetic",
    birth_date="1948-03-02",
    words="Lonely since his wife died; used to love walking.",
    practice=DEMO_PRACTICE,
    reply_to="https://gp.example.invalid/fhir",
) -> dict:
    """A BaRS referral message (servicerequest-request) as a dict of FHIR JSON."""
    request_id = request_id or str(uuid.uuid4())
    patient, role, organisation = (f"urn:uuid:{uuid.uuid4()}" for _ in range(3))
    return {
        "resourceType": "Bundle",
        "id": message_id or str(uuid.uuid4()),
        "type": "message",
        "entry": [
            {
                "fullUrl": f"urn:uuid:{uuid.uuid4()}",
                "resource": {
                    "resourceType": "MessageHeader",
                    "eventCoding": {"system": EVENTS, "code": "servicerequest-request"},
                    "reason": {
                        "coding": [{"system": "https://fhir.nhs.uk/CodeSystem/message-reason-bars", "code": reason}]
                    },
                    "source": {"endpoint": reply_to},
                    "destination": [{"endpoint": "https://kith.example.invalid/fhir"}],
                    "focus": [{"reference": f"urn:uuid:{request_id}"}],
                },
            },
            {
                "fullUrl": f"urn:uuid:{request_id}",
                "resource": {
                    "resourceType": "ServiceRequest",
                    "status": status,
                    "intent": "plan",
                    "category": [
                        {
                            "coding": [
                                {
                                    "system": "https://fhir.nhs.uk/CodeSystem/message-category-servicerequest",
                                    "code": "referral",
                                }
                            ]
                        }
                    ],
                    "code": {
                        "coding": [
                            {
                                "system": "http://snomed.info/sct",
                                "code": "871731000000106",
                                "display": "Referral to social prescribing service",
                            }
                        ]
                    },
                    "subject": {"reference": patient},
                    "requester": {"reference": role},
                    "reasonCode": [{"text": words}],
                },
            },
            {
                "fullUrl": patient,
                "resource": {
                    "resourceType": "Patient",
                    "identifier": [{"system": NHS_NUMBER, "value": nhs_number}],
                    "name": [{"family": family, "given": [given]}],
                    "birthDate": birth_date,
                    "address": [{"postalCode": postcode}],
                    "telecom": [{"system": "phone", "value": "0161 496 0000"}],
                },
            },
            {
                "fullUrl": role,
                "resource": {"resourceType": "PractitionerRole", "organization": {"reference": organisation}},
            },
            {
                "fullUrl": organisation,
                "resource": {
                    "resourceType": "Organization",
                    "identifier": [{"system": ODS_CODE, "value": practice}],
                    "name": "Demo Practice (synthetic)",
                },
            },
        ],
    }


@dataclass
class Received:
    """A response the stand-in took, as a GP system would file it."""

    at: dt.datetime
    answering: str  # the referral message it answers
    status: str  # the Task's: accepted, rejected, completed
    said: str  # the Task's business status
    codes: list[str]  # every code in it, system|code
    bundle: dict = field(repr=False)


def read_response(body: bytes) -> Received:
    """Check a response is a BaRS servicerequest-response and what it says; ValueError if it is not."""
    bundle = Bundle.model_validate_json(body)
    resources = [e.resource for e in bundle.entry or []]
    header = resources[0] if resources else None
    if header is None or header.get_resource_type() != "MessageHeader":
        raise ValueError("The first entry must be a MessageHeader.")
    if header.eventCoding.code != "servicerequest-response" or header.response is None:
        raise ValueError("The message is not a servicerequest-response answering a message.")
    task = next((r for r in resources if r.get_resource_type() == "Task"), None)
    data = json.loads(body)
    codes = sorted(
        {
            f"{c.get('system')}|{c.get('code')}"
            for entry in data.get("entry", [])
            for key in ("code",)
            for c in (entry["resource"].get(key) or {}).get("coding", [])
        }
    )
    return Received(
        at=dt.datetime.now(dt.UTC),
        answering=header.response.identifier,
        status=task.status if task else "",
        said=(task.businessStatus.text if task and task.businessStatus else "") or "",
        codes=codes,
        bundle=data,
    )


class StandIn:
    """The GP system's endpoint on loopback: takes responses at /fhir/$process-message, lists them at /."""

    def __init__(self, port: int = 0, *, refuse_with: int | None = None):
        self.received: list[Received] = []
        self.refuse_with = refuse_with  # answer every message with this status, to test Kith's retries
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet: the page and the list say what came
                pass

            def _answer(self, status: int, body: str, kind="application/fhir+json"):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path != PATH:
                    return self._answer(404, operation_outcome(404, [("", "Post to /fhir/$process-message.")]))
                if stand_in.refuse_with:
                    return self._answer(stand_in.refuse_with, operation_outcome(422, [("", "Refused for the test.")]))
                try:
                    stand_in.received.append(read_response(body))
                except ValueError as error:  # pydantic's ValidationError is one
                    return self._answer(422, operation_outcome(422, [("Bundle", str(error)[:300])]))
                return self._answer(200, json.dumps({"resourceType": "OperationOutcome", "issue": [
                    {"severity": "information", "code": "informational", "diagnostics": "Filed."}]}))  # fmt: skip

            def do_GET(self):
                rows = "".join(
                    f"<tr><td>{r.at:%H:%M:%S}</td><td>{escape(r.status)}</td><td>{escape(r.said)}</td>"
                    f"<td>{escape(', '.join(c.split('|')[1] for c in r.codes))}</td><td>{escape(r.answering)}</td></tr>"
                    for r in reversed(stand_in.received)
                )
                self._answer(
                    200,
                    "<!doctype html><html lang='en'><title>GP system stand-in</title><h1>Responses from Kith</h1>"
                    f"<table><tr><th>At</th><th>Status</th><th>Says</th><th>Codes</th><th>Answers message</th></tr>"
                    f"{rows or '<tr><td colspan=5>None yet.</td></tr>'}</table></html>",
                    "text/html; charset=utf-8",
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.endpoint = f"http://127.0.0.1:{self.port}{PATH}"

    def start(self) -> "StandIn":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
