"""A GP system stand-in: BaRS referral messages in the shape of the published examples, with Kith's values."""

import copy
import uuid

VALID_NHS_NUMBER = "9434765919"


def referral_message(
    *, reason="new", status="active", request_id=None, nhs_number=VALID_NHS_NUMBER, postcode="M9 4DH", message_id=None
) -> dict:
    request_id = request_id or str(uuid.uuid4())
    patient, requester = f"urn:uuid:{uuid.uuid4()}", f"urn:uuid:{uuid.uuid4()}"
    return {
        "resourceType": "Bundle",
        "id": message_id or str(uuid.uuid4()),
        "type": "message",
        "entry": [
            {
                "fullUrl": f"urn:uuid:{uuid.uuid4()}",
                "resource": {
                    "resourceType": "MessageHeader",
                    "eventCoding": {
                        "system": "https://fhir.nhs.uk/CodeSystem/message-events-bars",
                        "code": "servicerequest-request",
                    },
                    "reason": {
                        "coding": [{"system": "https://fhir.nhs.uk/CodeSystem/message-reason-bars", "code": reason}]
                    },
                    "source": {"endpoint": "https://gp.example.invalid/fhir"},
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
                    "requester": {"reference": requester},
                    "reasonCode": [{"text": "Lonely since his wife died; used to love walking."}],
                },
            },
            {
                "fullUrl": patient,
                "resource": {
                    "resourceType": "Patient",
                    "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs_number}],
                    "name": [{"family": "Synthetic", "given": ["Arthur"]}],
                    "birthDate": "1948-03-02",
                    "address": [{"postalCode": postcode}],
                    "telecom": [{"system": "phone", "value": "0161 496 0000"}],
                },
            },
            {"fullUrl": requester, "resource": {"resourceType": "PractitionerRole"}},
        ],
    }


def without(message: dict, path: list) -> dict:
    """A copy of the message with one element taken out (path of keys and indexes)."""
    changed = copy.deepcopy(message)
    node = changed
    for step in path[:-1]:
        node = node[step]
    del node[path[-1]]
    return changed


def replaced(message: dict, path: list, value) -> dict:
    changed = copy.deepcopy(message)
    node = changed
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return changed
