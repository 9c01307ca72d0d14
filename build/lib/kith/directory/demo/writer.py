"""Write asset specs to the directory tables in bulk: a few queries per thousand assets."""

import datetime as dt
from decimal import Decimal

from kith.directory.demo.spec import AssetSpec, ScheduleSpec, VenueSpec
from kith.directory.models import (
    Accessibility,
    AccessibilityFeature,
    Address,
    Attribute,
    CostOption,
    Language,
    ListingCheck,
    Location,
    Organisation,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from kith.directory.services import place_locations

BATCH = 2000


def _schedule(spec: ScheduleSpec, **owner) -> Schedule:
    return Schedule(
        freq=spec.freq,
        byday=spec.byday,
        opens_at=spec.opens_at,
        closes_at=spec.closes_at,
        description=spec.description[:500],
        source="demo",
        is_demo=True,
        **owner,
    )


def _term_lookup() -> dict[str, int]:
    """Term ids by Kith code, and by "openactive:<label>" for OpenActive concepts."""
    lookup = {}
    for term_id, code, name, source in TaxonomyTerm.objects.values_list("id", "code", "name", "source"):
        if source == "openactive":
            lookup[f"openactive:{name.lower()}"] = term_id
        else:
            lookup[code] = term_id
    return lookup


def write_assets(assets: list[AssetSpec], *, now: dt.datetime, progress) -> dict[str, int]:
    terms = _term_lookup()
    organisations: dict[str, Organisation] = {}
    for asset in assets:
        if asset.organisation not in organisations:
            organisations[asset.organisation] = Organisation(
                name=asset.organisation[:300],
                description="",
                source="demo",
                source_id=asset.organisation[:200],
                is_demo=True,
            )
    Organisation.objects.bulk_create(organisations.values(), batch_size=BATCH)
    progress("organisations", len(organisations), len(organisations))

    venues: dict[str, VenueSpec] = {}
    for asset in assets:
        if asset.venue is not None:
            venues.setdefault(asset.venue.key, asset.venue)
    locations = {
        key: Location(
            name=v.name[:300], latitude=v.lat, longitude=v.lon, source="demo", source_id=key[:200], is_demo=True
        )
        for key, v in venues.items()
    }
    place_locations(list(locations.values()))
    Location.objects.bulk_create(locations.values(), batch_size=BATCH)
    addresses, accessibility, location_schedules = [], [], []
    for key, venue in venues.items():
        location = locations[key]
        if venue.address_1 or venue.postcode:
            addresses.append(
                Address(
                    location=location,
                    address_1=(venue.address_1 or venue.name)[:300],
                    city=venue.city[:100],
                    state_province="Greater Manchester",
                    postal_code=venue.postcode[:10],
                    source="demo",
                    is_demo=True,
                )
            )
        if venue.step_free:
            accessibility.append(
                Accessibility(
                    location=location,
                    feature=AccessibilityFeature.STEP_FREE,
                    description="Step-free access to the entrance and main rooms",
                    source="demo",
                    is_demo=True,
                )
            )
        location_schedules.extend(_schedule(s, location=location) for s in venue.opening)
    Address.objects.bulk_create(addresses, batch_size=BATCH)
    Accessibility.objects.bulk_create(accessibility, batch_size=BATCH)
    Schedule.objects.bulk_create(location_schedules, batch_size=BATCH)
    progress("locations", len(locations), len(locations))

    services = []
    total = len(assets)
    for start in range(0, total, BATCH):
        chunk = assets[start : start + BATCH]
        batch = [
            Service(
                organisation=organisations[a.organisation],
                name=a.name[:300],
                description=a.description,
                url=a.website[:500],
                email=a.email[:254] if "@" in a.email else "",
                scope=a.scope,
                asset_kind=a.kind,
                minimum_age=a.minimum_age,
                maximum_age=a.maximum_age,
                eligibility_description=a.eligibility,
                fees_description=a.cost_description,
                source="demo",
                source_id=f"{a.source}:{a.source_id}"[:200],
                is_demo=True,
            )
            for a in chunk
        ]
        Service.objects.bulk_create(batch)
        services.extend(batch)
        _write_parts(chunk, batch, locations, terms, now)
        progress("services", min(start + BATCH, total), total)
    return {"organisations": len(organisations), "locations": len(locations), "services": len(services)}


def _write_parts(assets, services, locations, terms, now) -> None:
    placements, schedules, costs, phones, languages, attributes, checks = [], [], [], [], [], [], []
    for asset, service in zip(assets, services, strict=True):
        if asset.venue is not None:
            placements.append(
                ServiceAtLocation(service=service, location=locations[asset.venue.key], source="demo", is_demo=True)
            )
        schedules.extend(_schedule(s, service=service) for s in asset.schedules)
        if asset.cost is not None:
            costs.append(
                CostOption(
                    service=service,
                    amount=Decimal(str(asset.cost)),
                    option="Free" if asset.cost == 0 else "Per session",
                    amount_description=asset.cost_description,
                    source="demo",
                    is_demo=True,
                )
            )
        if asset.phone:
            phones.append(Phone(service=service, number=asset.phone[:40], type="voice", source="demo", is_demo=True))
        languages.extend(
            Language(service=service, name=name, code=code, source="demo", is_demo=True)
            for name, code in asset.languages
        )
        seen = set()
        for code in asset.categories:
            term_id = terms.get(code) or terms.get(code.lower())
            if term_id and term_id not in seen:
                seen.add(term_id)
                attributes.append(
                    Attribute(
                        taxonomy_term_id=term_id,
                        link_entity="service",
                        link_id=service.uuid,
                        source="demo",
                        is_demo=True,
                    )
                )
        checks.extend(
            ListingCheck(service=service, checked_at=now - dt.timedelta(days=days), method=method, checked_by_role=role)
            for days, method, role in asset.checks
        )
    ServiceAtLocation.objects.bulk_create(placements, batch_size=BATCH)
    Schedule.objects.bulk_create(schedules, batch_size=BATCH)
    CostOption.objects.bulk_create(costs, batch_size=BATCH)
    Phone.objects.bulk_create(phones, batch_size=BATCH)
    Language.objects.bulk_create(languages, batch_size=BATCH)
    Attribute.objects.bulk_create(attributes, batch_size=BATCH)
    ListingCheck.objects.bulk_create(checks, batch_size=BATCH)
