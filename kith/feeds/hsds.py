"""Directory records as HSDS 3.0 / Open Referral UK JSON: a pure projection of the models.

Every function takes model instances whose related rows are already loaded (see `load_services`)
and returns plain dicts. Empty optional fields are left out rather than sent as "" (which would
break `uri` and `email` formats). Sensitive locations keep only rounded coordinates and the
outward half of the postcode.
"""

import datetime as dt

from django.db.models import Prefetch

from kith.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Language,
    Location,
    Organisation,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from kith.directory.prefetch import prefetch, related
from kith.directory.public import WITHHELD, public_place
from kith.geo.coverage import area_name, county_of


def _clean(record: dict) -> dict:
    return {k: v for k, v in record.items() if v not in ("", None)}


def _time(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M:%S") if value else None


def _date(value) -> str | None:
    return value.isoformat() if value else None


def organization(o: Organisation) -> dict:
    return _clean(
        {
            "id": str(o.uuid),
            "name": o.name,
            "description": o.description or o.name,
            "email": o.email,
            "website": o.website,
            "logo": o.logo,
            "uri": o.uri,
            "parent_organization_id": str(o.parent.uuid) if o.parent_id and o.parent else None,
        }
    )


def taxonomy(t) -> dict:
    return _clean(
        {"id": str(t.uuid), "name": t.name, "description": t.description or t.name, "uri": t.uri, "version": t.version}
    )


def taxonomy_term(term: TaxonomyTerm) -> dict:
    return _clean(
        {
            "id": str(term.uuid),
            "code": term.code,
            "name": term.name,
            "description": term.description or term.name,
            "parent_id": str(term.parent.uuid) if term.parent_id else None,
            "taxonomy": term.taxonomy.name,
            "taxonomy_id": str(term.taxonomy.uuid),
            "language": term.language,
            "term_uri": term.term_uri,
        }
    )


def attribute(a: Attribute) -> dict:
    return _clean(
        {
            "id": str(a.uuid),
            "link_id": str(a.link_id),
            "link_type": a.link_type,
            "link_entity": a.link_entity,
            "taxonomy_term_id": str(a.taxonomy_term.uuid),
            "value": a.value,
            "taxonomy_term": taxonomy_term(a.taxonomy_term),
        }
    )


def schedule(s, **owner) -> dict:
    return _clean(
        {
            "id": str(s.uuid),
            **owner,
            "valid_from": _date(s.valid_from),
            "valid_to": _date(s.valid_to),
            "dtstart": _date(s.dtstart),
            "timezone": s.timezone,
            "until": _date(s.until),
            "count": s.count,
            "wkst": s.wkst,
            "freq": s.freq,
            "interval": s.interval,
            "byday": s.byday,
            "bymonthday": s.bymonthday,
            "description": s.description,
            "opens_at": _time(s.opens_at),
            "closes_at": _time(s.closes_at),
            "schedule_link": s.schedule_link,
            "attending_type": s.attending_type,
            "notes": s.notes,
        }
    )


def address(a: Address, *, masked: bool) -> dict:
    if masked:
        return _clean(
            {
                "id": str(a.uuid),
                "location_id": str(a.location.uuid),
                "address_1": WITHHELD,
                "city": a.city or "Withheld",
                "state_province": a.state_province or county_of(a.location.local_authority_id) or area_name(),
                "postal_code": (a.postal_code or "").split(" ")[0] or "Withheld",
                "country": a.country,
                "address_type": a.address_type,
            }
        )
    return _clean(
        {
            "id": str(a.uuid),
            "location_id": str(a.location.uuid),
            "attention": a.attention,
            "address_1": a.address_1,
            "address_2": a.address_2,
            "city": a.city or "Unknown",
            "region": a.region,
            "state_province": a.state_province or county_of(a.location.local_authority_id) or area_name(),
            "postal_code": a.postal_code or "Unknown",
            "country": a.country,
            "address_type": a.address_type,
        }
    )


def location(loc: Location) -> dict:
    place = public_place(loc)
    masked, lat, lon = place.masked, place.latitude, place.longitude
    return _clean(
        {
            "id": str(loc.uuid),
            "location_type": loc.location_type,
            "url": loc.url,
            "name": loc.name,
            "description": loc.description,
            "transportation": place.transportation or None,
            "latitude": lat,
            "longitude": lon,
            "external_identifier": loc.external_identifier,
            "external_identifier_type": loc.external_identifier_type,
            "addresses": [address(a, masked=masked) for a in related(loc, "addresses")],
            "accessibility": [
                _clean(
                    {
                        "id": str(x.uuid),
                        "location_id": str(loc.uuid),
                        "description": x.description or x.get_feature_display(),
                        "details": x.details,
                        "url": x.url,
                    }
                )
                for x in related(loc, "accessibility")
            ],
        }
    )


def service_at_location(sal: ServiceAtLocation, *, with_service: bool = False) -> dict:
    record = _clean(
        {
            "id": str(sal.uuid),
            "service_id": str(sal.service.uuid),
            "location_id": str(sal.location.uuid),
            "description": sal.description,
            "location": location(sal.location),
        }
    )
    if with_service:
        record["service"] = service(sal.service, nested_locations=False)
    return record


def service(s: Service, *, nested_locations: bool = True, attributes: list | None = None) -> dict:
    sid = str(s.uuid)
    record = _clean(
        {
            "id": sid,
            "organization_id": str(s.organisation.uuid),
            "name": s.name,
            "description": s.description,
            "url": s.url,
            "email": s.email,
            "status": s.status,
            "fees": s.fees_description,
            "accreditations": s.accreditations,
            "minimum_age": s.minimum_age,
            "maximum_age": s.maximum_age,
            "assured_date": _date(s.assured_date),
            "assurer_email": s.assurer_email,
            "alert": s.alert,
            "last_modified": s.updated_at.isoformat(),
        }
    )
    record["organization"] = organization(s.organisation)
    record["schedules"] = [schedule(x, service_id=sid) for x in related(s, "schedules")]
    record["service_areas"] = [
        _clean(
            {
                "id": str(a.uuid),
                "service_id": sid,
                "name": a.name or (a.area.name if a.area_id else ""),
                "description": a.description,
                "extent": a.extent,
                "extent_type": a.extent_type,
                "uri": a.uri,
            }
        )
        for a in related(s, "service_areas")
    ]
    record["languages"] = [
        _clean({"id": str(x.uuid), "service_id": sid, "name": x.name, "code": x.code, "note": x.note})
        for x in related(s, "languages")
    ]
    record["cost_options"] = [
        _clean(
            {
                "id": str(c.uuid),
                "service_id": sid,
                "valid_from": _date(c.valid_from),
                "valid_to": _date(c.valid_to),
                "option": c.option,
                "currency": c.currency,
                "amount": float(c.amount) if c.amount is not None else None,
                "amount_description": c.amount_description,
            }
        )
        for c in related(s, "cost_options")
    ]
    record["contacts"] = [
        _clean(
            {
                "id": str(c.uuid),
                "service_id": sid,
                "name": c.name,
                "title": c.title,
                "department": c.department,
                "email": c.email,
            }
        )
        for c in related(s, "contacts")
    ]
    record["funding"] = []
    record["attributes"] = [attribute(a) for a in (attributes or [])]
    if nested_locations:
        record["service_at_locations"] = [service_at_location(sal) for sal in related(s, "service_at_locations")]
    return record


def load_services(ids) -> list[Service]:
    """Services with everything the projection reads, in a fixed number of queries, in the given order.

    The related rows are fetched into plain lists (to_attr): a queryset per service and relation
    would cost more than the rows themselves on a 50-service page.
    """

    def into_list(lookup: str, queryset=None) -> Prefetch:
        return prefetch(lookup, queryset)

    services = (
        Service.objects.filter(id__in=list(ids))
        .select_related("organisation__parent")
        .prefetch_related(
            into_list("schedules", Schedule.objects.all()),
            into_list("service_areas", ServiceArea.objects.select_related("area")),
            into_list("languages", Language.objects.all()),
            into_list("cost_options", CostOption.objects.all()),
            into_list("contacts", Contact.objects.all()),
            into_list(
                "service_at_locations",
                ServiceAtLocation.objects.select_related("location", "service").prefetch_related(
                    into_list("location__addresses", Address.objects.select_related("location").order_by("id")),
                    into_list("location__accessibility", Accessibility.objects.all()),
                ),
            ),
        )
    )
    by_id = {s.id: s for s in services}
    return [by_id[i] for i in ids if i in by_id]


def attributes_by_service(services: list[Service]) -> dict:
    found: dict = {s.uuid: [] for s in services}
    for a in Attribute.objects.filter(link_entity="service", link_id__in=list(found)).select_related(
        "taxonomy_term__taxonomy", "taxonomy_term__parent"
    ):
        found[a.link_id].append(a)
    return found
