"""Open Referral UK v1 `/services` payloads (the shape many councils still publish) as records."""

from kith.feeds.importers.records import (
    OrganisationRecord,
    Quarantine,
    ServiceRecord,
    date,
    email,
    required_name,
    status,
    text,
    unnamed_organisation,
    url,
)


def parse(payload) -> list:
    """A list of v1 services (or a page with `content`) → ServiceRecords, and quarantine tuples for the rest."""
    if isinstance(payload, dict):
        payload = payload.get("content", payload.get("contents"))
    if not isinstance(payload, list):
        return [("", "", "the file is not a list of ORUK v1 services (nor a page with `content`)", None)]
    out = []
    for item in payload:
        if not isinstance(item, dict):
            out.append(("", "", "an entry is not a JSON object", {"value": str(item)[:200]}))
            continue
        source_id = text(item.get("id"))
        try:
            out.append(_service(item))
        except Quarantine as reason:
            out.append((source_id, text(item.get("name"))[:300], str(reason), item))
    return out


def _service(item: dict) -> ServiceRecord:
    source_id = text(item.get("id"))
    if not source_id:
        raise Quarantine("the service has no id")
    dropped: list[str] = []
    org = item.get("organization") or {}
    if not isinstance(org, dict) or not text(org.get("id")) or not text(org.get("name")):
        organisation = unnamed_organisation(dropped)
    else:
        organisation = OrganisationRecord(
            source_id=text(org.get("id")),
            name=required_name(org.get("name"), "organisation"),
            description=text(org.get("description")),
            website=url(org.get("url"), dropped, "organisation url"),
        )
    metadata = item.get("pc_metadata") or {}
    return ServiceRecord(
        source_id=source_id,
        name=required_name(item.get("name"), "service"),
        organisation=organisation,
        description=text(item.get("description")),
        url=url(item.get("url"), dropped),
        email=email(item.get("email"), dropped),
        status=status(item.get("status")),
        fees=text(item.get("fees")),
        accreditations=text(item.get("accreditations")),
        assured_date=date(
            item.get("assured_date") or (metadata.get("date_assured") if isinstance(metadata, dict) else None),
            dropped,
            "assured_date",
        ),
        dropped=dropped,
    )
