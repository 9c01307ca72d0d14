"""The OpenAPI 3.1 document of the ORUK API, assembled from the official ORUK 3.0 schemas."""

import copy
import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "oruk"
SCHEMAS = [
    "api_details",
    "service",
    "service_at_location",
    "organization",
    "organization_list",
    "taxonomy",
    "taxonomy_term",
]
PAGE = {
    "type": "object",
    "required": ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"],
    "properties": {
        "total_items": {"type": "integer", "minimum": 0},
        "total_pages": {"type": "integer", "minimum": 1},
        "page_number": {"type": "integer", "minimum": 1},
        "size": {"type": "integer", "minimum": 0},
        "first_page": {"type": "boolean"},
        "last_page": {"type": "boolean"},
        "empty": {"type": "boolean"},
    },
}
ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}


def _param(name, description, schema):
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


PAGING = [
    _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1}),
    _param("per_page", "Results per page (1 to 100, default 50).", {"type": "integer", "minimum": 1, "maximum": 100}),
]
SEARCH = _param(
    "search",
    "Words to search for, in people's own words: read as the directory's search reads them (everyday phrases "
    "as the wants they name, any form of a word, British spelling, a misspelt word as the nearest one listings "
    "use) and ranked best match first, as the website's search page ranks them; services whose every session "
    "has ended are left out.",
    {"type": "string", "maxLength": 200},
)
SERVICE_FILTERS = [
    SEARCH,
    *PAGING,
    _param("taxonomy_term_id", "Services with this taxonomy term.", {"type": "string", "format": "uuid"}),
    _param("taxonomy_id", "Services with any term of this taxonomy.", {"type": "string", "format": "uuid"}),
    _param("organization_id", "Services of this organization.", {"type": "string", "format": "uuid"}),
    _param(
        "minimum_age", "Services for people of at least this age.", {"type": "integer", "minimum": 0, "maximum": 150}
    ),
    _param(
        "maximum_age", "Services for people of at most this age.", {"type": "integer", "minimum": 0, "maximum": 150}
    ),
    _param("day", "Day of the week (MO..SU).", {"type": "string", "enum": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]}),
    _param("start_time", "Running after this time (HH:MM).", {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"}),
    _param("end_time", "Running before this time (HH:MM).", {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"}),
    _param(
        "postcode",
        "A postcode in the area this Kith covers; results nearest first (best match first with `search`).",
        {"type": "string", "maxLength": 10},
    ),
    _param(
        "proximity",
        "Metres from the postcode (default 5,000).",
        {"type": "number", "exclusiveMinimum": 0, "maximum": 100000},
    ),
    _param("modified_after", "Changed on or after this date-time.", {"type": "string", "format": "date-time"}),
]


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _ok(schema, description):
    return {
        "200": {"description": description, "content": {"application/json": {"schema": schema}}},
        "400": {
            "description": "A parameter was wrong; the message says which.",
            "content": {"application/json": {"schema": _ref("Error")}},
        },
    }


def _one(schema, description):
    responses = _ok(_ref(schema), description)
    responses["404"] = {
        "description": "No record has that id.",
        "content": {"application/json": {"schema": _ref("Error")}},
    }
    return {
        "get": {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
            ],
            "responses": responses,
            "summary": description,
        }
    }


def _list(item, description, parameters):
    page = {
        "allOf": [_ref("Page"), {"type": "object", "properties": {"contents": {"type": "array", "items": _ref(item)}}}]
    }
    return {"get": {"parameters": parameters, "responses": _ok(page, description), "summary": description}}


def _schema(name: str) -> dict:
    schema = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    # Tabular-package hints are not JSON Schema; they are kept as documentation only.
    return schema


@cache
def openapi_document() -> dict:
    schemas = {name: _schema(name) for name in SCHEMAS}
    schemas["Page"], schemas["Error"] = PAGE, ERROR
    return copy.deepcopy(
        {
            "openapi": "3.1.0",
            "info": {
                "title": "Kith: Open Referral UK API",
                "version": "3.0",
                "description": "HSDS 3.0 with the Open Referral UK profile. Open GET endpoints, CORS *. Schemas: "
                "Open Referral UK (CC BY-SA 4.0).",
            },
            "servers": [{"url": "/api/oruk"}],
            "paths": {
                "/": {"get": {"summary": "About this API", "responses": _ok(_ref("api_details"), "API details")}},
                "/services": _list("service", "Services", SERVICE_FILTERS),
                "/services/{id}": _one("service", "One service, fully nested"),
                "/service_at_locations": _list(
                    "service_at_location",
                    "Services at locations: every service filter; with a postcode, each place nearest first",
                    SERVICE_FILTERS,
                ),
                "/service_at_locations/{id}": _one("service_at_location", "One service at a location"),
                "/organizations": _list("organization_list", "Organizations", [SEARCH, *PAGING]),
                "/organizations/{id}": _one("organization", "One organization with its services"),
                "/taxonomies": _list("taxonomy", "Taxonomies", [SEARCH, *PAGING]),
                "/taxonomies/{id}": _one("taxonomy", "One taxonomy"),
                "/taxonomy_terms": _list("taxonomy_term", "Taxonomy terms", [SEARCH, *PAGING, SERVICE_FILTERS[4]]),
                "/taxonomy_terms/{id}": _one("taxonomy_term", "One taxonomy term"),
            },
            "components": {"schemas": schemas},
        }
    )
