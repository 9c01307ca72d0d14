"""Validate JSON against the Open Referral UK 3.0 schemas, as the official validator does.

Draft 2020-12 with format checking on (uuid, email, uri, date-time). A list endpoint's page is
checked with its list schema, the page fields, and every item against the full item schema.
"""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator

SCHEMAS = Path(__file__).resolve().parents[2] / "kith" / "feeds" / "data" / "oruk"
PAGE_FIELDS = {
    "total_items": int,
    "total_pages": int,
    "page_number": int,
    "size": int,
    "first_page": bool,
    "last_page": bool,
    "empty": bool,
}


@cache
def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(document, name: str) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(name).iter_errors(document)]


def page_errors(document, item: str) -> list[str]:
    found = []
    for field, kind in PAGE_FIELDS.items():
        if not isinstance(document.get(field), kind):
            found.append(f"page field {field} missing or not {kind.__name__}")
    contents = document.get("contents")
    if not isinstance(contents, list):
        return [*found, "contents is not a list"]
    for i, element in enumerate(contents):
        found.extend(f"contents/{i}/{e}" for e in errors(element, item))
    return found


MOCK_SCHEMA = {
    # mock file: (schema for the whole document, schema for each item of contents or None)
    "api_details.json": ("api_details", None),
    "service_full.json": ("service", None),
    "service_list.json": ("service_list", "service"),
    "service_at_location_full.json": ("service_at_location", None),
    "service_at_location_list.json": ("service_at_location_list", "service_at_location"),
    "organization_full.json": ("organization", None),
    "organization.json": ("organization", None),
    "organization_list.json": (None, "organization_list"),
    "taxonomy.json": ("taxonomy", None),
    "taxonomy_list.json": ("taxonomy_list", "taxonomy"),
    "taxonomy_term.json": ("taxonomy_term", None),
    "taxonomy_term_list.json": ("taxonomy_term_list", "taxonomy_term"),
}


def mock_errors(path: Path) -> list[str]:
    whole, item = MOCK_SCHEMA[path.name]
    document = json.loads(path.read_text(encoding="utf-8"))
    found = errors(document, whole) if whole else []
    if item:
        found += [f"contents/{i}/{e}" for i, x in enumerate(document.get("contents", [])) for e in errors(x, item)]
    return found
