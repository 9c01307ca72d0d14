"""Write imported records into the directory: one transaction a run, provenance on every record.

- A record is found again by (source, source id); an unchanged one (same digest) is not rewritten.
- An organisation already known from another source with the same name and web address or phone
  is linked as one; the same name alone goes to a person to decide.
- After a complete harvest, services the source no longer lists become inactive.
"""

import dataclasses
import hashlib
import json
import logging
import re
from collections.abc import Callable
from urllib.parse import urlparse

from django.db import transaction
from django.utils import timezone

from kith.directory import services as directory
from kith.directory.models import (
    Address,
    Attribute,
    CostOption,
    ListingCheck,
    Location,
    Organisation,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
)
from kith.feeds.importers.records import OrganisationRecord, ServiceRecord
from kith.feeds.models import ImportRun, OrganisationLink, PossibleDuplicate, Problem, Source

logger = logging.getLogger(__name__)


def digest(record) -> str:
    return hashlib.sha256(json.dumps(dataclasses.asdict(record), sort_keys=True, default=str).encode()).hexdigest()


def _normal(name: str) -> str:
    name = re.sub(r"[^a-z0-9 ]", " ", name.lower())
    name = re.sub(r"\b(the|ltd|limited|cic|cio|charity|group)\b", " ", name)
    return " ".join(name.split())


def _host(address: str) -> str:
    host = urlparse(address).netloc.lower()
    return host[4:] if host.startswith("www.") else host


def _term_lookup() -> dict[str, int]:
    lookup = {}
    for term_id, code, name, source in TaxonomyTerm.objects.values_list("id", "code", "name", "source"):
        lookup[f"openactive:{name.lower()}" if source == "openactive" else code] = term_id
    return lookup


class Writer:
    def __init__(self, source: Source, run: ImportRun):
        self.source, self.run, self.key = source, run, source.key
        self.now = timezone.now()
        self.organisations: dict[str, Organisation] = {}
        self.terms = _term_lookup()
        self.counts = {"created": 0, "updated": 0, "unchanged": 0, "quarantined": 0, "inactivated": 0}
        self.seen: set[str] = set()
        self.changed_ids: list[int] = []

    def quarantine(self, source_id: str, name: str, reason: str, payload=None) -> None:
        Problem.objects.create(
            run=self.run,
            severity=Problem.Severity.QUARANTINED,
            source_id=source_id[:200],
            record_name=name[:300],
            reason=reason,
            payload=payload,
        )
        self.counts["quarantined"] += 1

    def organisation(self, record: OrganisationRecord) -> Organisation:
        if record.source_id in self.organisations:
            return self.organisations[record.source_id]
        found = Organisation.objects.filter(source=self.key, source_id=record.source_id).first()
        if found is None:
            link = (
                OrganisationLink.objects.filter(source=self.key, source_id=record.source_id)
                .select_related("organisation")
                .first()
            )
            found = link.organisation if link else None
        if found is None:
            found = self._same_elsewhere(record)
        if found is None:
            found = Organisation.objects.create(
                name=record.name,
                description=record.description,
                website=record.website,
                email=record.email,
                source=self.key,
                source_id=record.source_id,
                harvested_at=self.now,
            )
            self._queue_uncertain(found)
        elif found.source == self.key and (found.name, found.description, found.website, found.email) != (
            record.name,
            record.description,
            record.website,
            record.email,
        ):
            found.name, found.description, found.website, found.email = (
                record.name,
                record.description,
                record.website,
                record.email,
            )
            found.harvested_at = self.now
            found.save()
        self.organisations[record.source_id] = found
        return found

    def _same_elsewhere(self, record: OrganisationRecord) -> Organisation | None:
        """The same organisation from another source: same name and same web address."""
        if not record.website:
            return None
        host = _host(record.website)
        for candidate in Organisation.objects.exclude(source=self.key).filter(name__iexact=record.name):
            if candidate.website and _host(candidate.website) == host:
                OrganisationLink.objects.get_or_create(
                    source=self.key, source_id=record.source_id, defaults={"organisation": candidate}
                )
                return candidate
        return None

    def _queue_uncertain(self, organisation: Organisation) -> None:
        normal = _normal(organisation.name)
        if not normal:
            return
        for candidate in Organisation.objects.exclude(source=self.key).filter(
            name__icontains=organisation.name.split()[0]
        )[:50]:
            if _normal(candidate.name) == normal:
                PossibleDuplicate.objects.get_or_create(
                    first=candidate,
                    second=organisation,
                    defaults={"reason": f"Same name from {candidate.source or 'Kith'} and {self.key}"},
                )

    def service(self, record: ServiceRecord) -> None:
        self.seen.add(record.source_id)
        digest_now = digest(record)
        existing = Service.objects.filter(source=self.key, source_id=record.source_id).first()
        if existing is not None and existing.source_hash == digest_now:
            self.counts["unchanged"] += 1
            return
        for note in record.dropped:
            Problem.objects.create(
                run=self.run,
                severity=Problem.Severity.FIELD_DROPPED,
                source_id=record.source_id,
                record_name=record.name,
                reason=note,
            )
        organisation = self.organisation(record.organisation)
        fields = {
            "organisation": organisation,
            "name": record.name,
            "description": record.description,
            "url": record.url,
            "email": record.email,
            "status": record.status,
            "fees_description": record.fees,
            "accreditations": record.accreditations,
            "assured_date": record.assured_date,
            "minimum_age": record.minimum_age,
            "maximum_age": record.maximum_age,
            "source_hash": digest_now,
            "harvested_at": self.now,
        }
        if existing is None:
            service = Service.objects.create(source=self.key, source_id=record.source_id, **fields)
            self.counts["created"] += 1
        else:
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save()
            service = existing
            self.counts["updated"] += 1
            service.schedules.all().delete()
            service.cost_options.all().delete()
            service.phones.all().delete()
            Attribute.objects.filter(link_entity="service", link_id=service.uuid, source=self.key).delete()
        self._parts(service, record)
        self.changed_ids.append(service.pk)

    def _parts(self, service: Service, record: ServiceRecord) -> None:
        for code in dict.fromkeys(record.categories):
            term_id = self.terms.get(code) or self.terms.get(code.lower())
            if term_id:
                Attribute.objects.get_or_create(
                    link_entity="service", link_id=service.uuid, taxonomy_term_id=term_id, defaults={"source": self.key}
                )
        Schedule.objects.bulk_create(
            Schedule(
                service=service,
                freq=s.freq,
                byday=s.byday,
                opens_at=s.opens_at,
                closes_at=s.closes_at,
                dtstart=s.dtstart,
                until=s.until,
                description=s.description[:1000],
                source=self.key,
            )
            for s in record.schedules
        )
        if record.cost is not None:
            CostOption.objects.create(
                service=service, amount=record.cost, option="Free" if record.cost == 0 else "", source=self.key
            )
        if record.phone:
            Phone.objects.create(service=service, number=record.phone[:40], source=self.key)
        for loc in record.locations:
            location = Location.objects.filter(source=self.key, source_id=loc.source_id).first()
            if location is None:
                location = Location(source=self.key, source_id=loc.source_id)
            location.name, location.latitude, location.longitude = loc.name, loc.latitude, loc.longitude
            location.harvested_at = self.now
            directory.place_locations([location])
            location.save()
            if loc.address_1 or loc.postcode:
                location.addresses.all().delete()
                Address.objects.create(
                    location=location,
                    address_1=loc.address_1 or loc.name or "Address",
                    city=loc.city,
                    state_province="",
                    postal_code=loc.postcode[:10],
                    source=self.key,
                )
            ServiceAtLocation.objects.get_or_create(service=service, location=location, defaults={"source": self.key})
        if record.assured_date and not ListingCheck.objects.filter(service=service, method="imported").exists():
            from datetime import datetime, time

            ListingCheck.objects.create(
                service=service,
                checked_at=timezone.make_aware(datetime.combine(record.assured_date, time(12))),
                method="imported",
                checked_by_role=f"{self.source.name} (import)",
            )

    def retire(self, source_id: str) -> None:
        gone = Service.objects.filter(source=self.key, source_id=source_id).exclude(status=ServiceStatus.INACTIVE)
        ids = list(gone.values_list("id", flat=True))
        gone.update(status=ServiceStatus.INACTIVE, source_hash="")
        self.counts["inactivated"] += len(ids)
        self.changed_ids.extend(ids)

    def retire_missing(self) -> None:
        gone = (
            Service.objects.filter(source=self.key)
            .exclude(source_id__in=self.seen)
            .exclude(status=ServiceStatus.INACTIVE)
        )
        ids = list(gone.values_list("id", flat=True))
        gone.update(status=ServiceStatus.INACTIVE, source_hash="")
        self.counts["inactivated"] += len(ids)
        self.changed_ids.extend(ids)


def run_import(
    source: Source, records, *, complete: bool = True, progress: Callable[[str, int, int], None] | None = None
) -> ImportRun:
    """Import an iterable of ServiceRecord (or Quarantine instances for records that failed to parse)."""
    run = ImportRun.objects.create(source=source)
    try:
        with transaction.atomic():
            writer = Writer(source, run)
            items = list(records)
            for n, item in enumerate(items, start=1):
                if isinstance(item, tuple):  # (source id, name, reason, payload) from a parser
                    writer.quarantine(*item)
                elif hasattr(item, "source_id") and not hasattr(item, "organisation"):  # deleted at the source
                    writer.retire(item.source_id)
                else:
                    writer.service(item)
                if progress and (n % 200 == 0 or n == len(items)):
                    progress("records", n, len(items))
            if complete:
                writer.retire_missing()
            if writer.changed_ids:
                directory.services_changed(service_ids=writer.changed_ids)
            run.counts = writer.counts
            run.status = "done"
    except Exception as error:  # the batch rolled back: keep the run and say why
        logger.exception("Import of %s failed", source)
        run.status, run.error = "failed", f"{type(error).__name__}: {error}"
        source.last_status = "failed"
    else:
        source.last_status = "done"
    run.finished_at = timezone.now()
    run.save()
    source.last_run_at = run.finished_at
    source.save(update_fields=["last_run_at", "last_status"])
    return run
