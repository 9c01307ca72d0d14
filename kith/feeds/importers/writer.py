"""Write imported records into the directory: one transaction a run, provenance on every record.

- A record is found again by (source, source id); an unchanged one (same digest) is not rewritten.
- An organisation already known from another source with the same name and the same web address,
  phone number or postcode is linked as one; the same name alone goes to a person to decide.
- After a complete harvest, services the source no longer lists become inactive.
- The demo directory is written by this writer too, from a source of kind "demo": every row it makes is
  marked as demo data.
"""

import hashlib
import re
import time
from decimal import Decimal
from urllib.parse import urlparse

from django.db import transaction
from django.utils import timezone

from kith.directory import services as directory
from kith.directory.models import (
    Accessibility,
    AccessibilityFeature,
    Address,
    AssetKind,
    Attribute,
    CostOption,
    Language,
    ListingCheck,
    Location,
    Organisation,
    Phone,
    Schedule,
    Scope,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
)
from kith.feeds.importers.records import UNNAMED_ORGANISATION, NewsRecord, OrganisationRecord, ServiceRecord
from kith.feeds.importers.rows import insert_rows
from kith.feeds.models import ImportRun, NewsItem, OrganisationLink, PossibleDuplicate, Problem, Source


def digest(record) -> str:
    """A fingerprint of everything a record says, to recognise one that has not changed.

    The dataclass repr lists every field in a fixed order, nested records included.
    """
    return hashlib.sha256(repr(record).encode()).hexdigest()


def _normal(name: str) -> str:
    name = re.sub(r"[^a-z0-9 ]", " ", name.lower())
    name = re.sub(r"\b(the|ltd|limited|cic|cio|charity|group)\b", " ", name)
    return " ".join(name.split())


def _phone(number: str) -> str:
    """Digits only, with +44 as 0, so '0161 234 5678' and '+44 161 2345678' match; too short to trust is empty."""
    digits = re.sub(r"\D", "", number or "")
    if digits.startswith("44"):
        digits = "0" + digits[2:]
    return f"tel:{digits}" if len(digits) >= 10 else ""


def _postcode(code: str) -> str:
    code = (code or "").replace(" ", "").upper()
    return f"pc:{code}" if len(code) >= 5 else ""


def _host(address: str) -> str:
    host = urlparse(address).netloc.lower()
    return host[4:] if host.startswith("www.") else host


def _term_lookup() -> dict[str, int]:
    lookup = {}
    for term_id, code, name, source in TaxonomyTerm.objects.values_list("id", "code", "name", "source"):
        lookup[f"openactive:{name.lower()}" if source == "openactive" else code] = term_id
    return lookup


BATCH = 1000
# Records written per transaction: on SQLite a member of staff's write waits for one of these at most.
COMMIT_EVERY = 250
# SQLite's busy handler sleeps up to 100 ms between tries; a pause this long after each batch lets it in.
PAUSE_BETWEEN_BATCHES_S = 0.12
# Why a pair waits for a person: said in words, since the page shows each side's source by its name.
SAME_NAME_ONLY = "The same name, but no web address, phone number or postcode in common"


class Writer:
    """Writes records in batches: a few queries per thousand records, whatever their shape."""

    def __init__(self, source: Source, run: ImportRun):
        self.source, self.run, self.key = source, run, source.key
        self.now = timezone.now()
        self.organisations: dict[str, Organisation] = {}
        self.terms = _term_lookup()
        self.counts = {"created": 0, "updated": 0, "unchanged": 0, "quarantined": 0, "inactivated": 0}
        self.seen: dict[str, str] = {}  # source id → the name of the first record with it
        self.changed_ids: list[int] = []
        self.pending: list[ServiceRecord] = []
        self.news: list[NewsRecord] = []
        self._elsewhere: dict[str, list[Organisation]] | None = None
        self._points: dict[int, set[str]] = {}
        # Demo data is marked on every row it makes, so it can be told apart and replaced as a whole.
        self.mark = {"is_demo": True} if source.kind == Source.Kind.DEMO else {}
        self.pause = PAUSE_BETWEEN_BATCHES_S if transaction.get_connection().vendor == "sqlite" else 0.0

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

    def service(self, record: ServiceRecord) -> None:
        if record.source_id in self.seen:
            # Two services under one id: importing both would overwrite one with the other on every run.
            first = self.seen[record.source_id]
            self.quarantine(
                record.source_id,
                record.name,
                f"another record in this feed has the same id ({record.source_id}): the first, “{first}”, "
                "was kept. Ask the publisher to give each service its own id.",
            )
            return
        self.seen[record.source_id] = record.name
        if record.organisation.source_id == UNNAMED_ORGANISATION:
            record.organisation.name = f"{self.source.name}: organisation not given"
        self.pending.append(record)
        if len(self.pending) >= COMMIT_EVERY:
            self.flush()

    # Organisations -------------------------------------------------------------------------------

    def _others_by_name(self) -> dict[str, list[Organisation]]:
        """Organisations from other sources by normalised name, read once a run."""
        if self._elsewhere is None:
            self._elsewhere = {}
            for org in (
                Organisation.objects.exclude(source=self.key)
                .filter(folded_into__isnull=True)
                .only("id", "name", "website", "source")
            ):
                self._elsewhere.setdefault(_normal(org.name), []).append(org)
        return self._elsewhere

    def _contact_points(self, organisation_ids: set[int]) -> dict[int, set[str]]:
        """Phone numbers and postcodes the directory holds for these organisations, read once each."""
        wanted = organisation_ids - set(self._points)
        if wanted:
            for org_id in wanted:
                self._points[org_id] = set()
            for org_id, number in Phone.objects.filter(service__organisation_id__in=wanted).values_list(
                "service__organisation_id", "number"
            ):
                self._points[org_id].add(_phone(number))
            for org_id, postcode in Address.objects.filter(
                location__service_at_locations__service__organisation_id__in=wanted
            ).values_list("location__service_at_locations__service__organisation_id", "postal_code"):
                self._points[org_id].add(_postcode(postcode))
            for points in self._points.values():
                points.discard("")
        return {org_id: self._points[org_id] for org_id in organisation_ids}

    def _organisations(self, records: list[OrganisationRecord], evidence: dict[str, set[str]]) -> None:
        wanted = {r.source_id: r for r in records if r.source_id not in self.organisations}
        if not wanted:
            return
        # A folded organisation is found through the link its fold made, so its listings go to the kept one.
        for org in Organisation.objects.filter(source=self.key, source_id__in=list(wanted), folded_into__isnull=True):
            self.organisations[org.source_id] = org
        for link in OrganisationLink.objects.filter(source=self.key, source_id__in=list(wanted)).select_related(
            "organisation"
        ):
            self.organisations.setdefault(link.source_id, link.organisation)
        changed, new, links = [], [], []
        for source_id, record in wanted.items():
            found = self.organisations.get(source_id)
            if found is None:
                # The placeholder is this feed's own: never the same as a real organisation elsewhere.
                placeholder = source_id == UNNAMED_ORGANISATION
                same = None if placeholder else self._same_elsewhere(record, evidence.get(source_id, set()))
                if same is not None:
                    links.append(OrganisationLink(organisation=same, source=self.key, source_id=source_id))
                    self.organisations[source_id] = same
                    continue
                new.append(
                    Organisation(
                        name=record.name,
                        description=record.description,
                        website=record.website,
                        email=record.email,
                        source=self.key,
                        source_id=source_id,
                        harvested_at=self.now,
                        **self.mark,
                    )
                )
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
                changed.append(found)
        Organisation.objects.bulk_create(new, batch_size=BATCH)
        Organisation.objects.bulk_update(changed, ["name", "description", "website", "email", "harvested_at"])
        OrganisationLink.objects.bulk_create(links, ignore_conflicts=True)
        for org in new:
            self.organisations[org.source_id] = org
            self._queue_uncertain(org)

    def _same_elsewhere(self, record: OrganisationRecord, points: set[str]) -> Organisation | None:
        """The same organisation from another source: the same name and the same web address, phone or postcode."""
        candidates = self._others_by_name().get(_normal(record.name), [])
        if not candidates:
            return None
        host = _host(record.website) if record.website else ""
        for candidate in candidates:
            if host and candidate.website and _host(candidate.website) == host:
                return candidate
        if points:
            known = self._contact_points({c.pk for c in candidates})
            for candidate in candidates:
                if known[candidate.pk] & points:
                    return candidate
        return None

    def _queue_uncertain(self, organisation: Organisation) -> None:
        """Same name, different (or no) web address: a person decides whether they are one."""
        normal = _normal(organisation.name)
        if not normal:
            return
        for candidate in self._others_by_name().get(normal, []):
            if candidate.pk != organisation.pk:
                PossibleDuplicate.objects.get_or_create(
                    first=candidate,
                    second=organisation,
                    defaults={"reason": SAME_NAME_ONLY},
                )

    # Services ------------------------------------------------------------------------------------

    @property
    def written(self) -> int:
        """Services created or changed in batches that committed."""
        return self.counts["created"] + self.counts["updated"]

    def flush(self) -> None:
        records, self.pending = self.pending, []
        if not records:
            return
        counts, changed = dict(self.counts), len(self.changed_ids)
        try:
            with transaction.atomic():  # one batch: committed on its own, or inside the caller's transaction
                self._write(records)
                # The batch's full text with it (and that of services at locations it moved), not at the end.
                directory.reindex_documents(self.changed_ids[changed:])
        except Exception:
            self.counts, self.changed_ids[changed:] = counts, []  # what rolled back was not written
            raise
        if self.pause and not transaction.get_connection().in_atomic_block:
            # SQLite has one writer at a time, and a waiting one polls: leave it a moment to take its turn.
            time.sleep(self.pause)

    def _write(self, records: list[ServiceRecord]) -> None:
        existing = {
            s.source_id: s
            for s in Service.objects.filter(source=self.key, source_id__in=[r.source_id for r in records])
        }
        todo = []
        for record in records:
            digest_now = digest(record)
            found = existing.get(record.source_id)
            if found is not None and found.source_hash == digest_now:
                self.counts["unchanged"] += 1
            else:
                todo.append((record, found, digest_now))
        if not todo:
            return
        Problem.objects.bulk_create(
            Problem(
                run=self.run,
                severity=Problem.Severity.FIELD_DROPPED,
                source_id=r.source_id[:200],
                record_name=r.name[:300],
                reason=note,
            )
            for r, _, _ in todo
            for note in r.dropped
        )
        evidence: dict[str, set[str]] = {}
        for record, _, _ in todo:
            points = evidence.setdefault(record.organisation.source_id, set())
            points.update(
                p for p in [_phone(record.phone), *(_postcode(loc.postcode) for loc in record.locations)] if p
            )
        self._organisations([r.organisation for r, _, _ in todo], evidence)
        new, changed = [], []
        for record, found, digest_now in todo:
            fields = self._fields(record, digest_now)
            if found is None:
                new.append(Service(source=self.key, source_id=record.source_id, **fields, **self.mark))
            else:
                for name, value in fields.items():
                    setattr(found, name, value)
                found.updated_at = self.now  # bulk_update does not touch auto_now fields
                changed.append(found)
        Service.objects.bulk_create(new, batch_size=BATCH)
        Service.objects.bulk_update(changed, [*self._fields(todo[0][0], "").keys(), "updated_at"], batch_size=BATCH)
        self.counts["created"] += len(new)
        self.counts["updated"] += len(changed)
        if changed:
            ids = [s.pk for s in changed]
            Schedule.objects.filter(service_id__in=ids).delete()
            CostOption.objects.filter(service_id__in=ids).delete()
            Phone.objects.filter(service_id__in=ids).delete()
            Language.objects.filter(service_id__in=ids).delete()
            Attribute.objects.filter(
                link_entity="service", link_id__in=[s.uuid for s in changed], source=self.key
            ).delete()
        by_id = {s.source_id: s for s in [*new, *changed]}
        self._parts([(r, by_id[r.source_id]) for r, _, _ in todo], created={s.pk for s in new})
        self.changed_ids.extend(s.pk for s in by_id.values())

    def _fields(self, record: ServiceRecord, digest_now: str) -> dict:
        return {
            "asset_kind": record.asset_kind or AssetKind.VCSE,
            "scope": record.scope or Scope.LOCAL,
            "eligibility_description": record.eligibility,
            "organisation": self.organisations.get(record.organisation.source_id),
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

    def _parts(self, pairs: list[tuple[ServiceRecord, Service]], *, created: set[int]) -> None:
        attributes, schedules, costs, phones, languages = [], [], [], [], []
        mark = self.mark
        for record, service in pairs:
            for code in dict.fromkeys(record.categories):
                term_id = self.terms.get(code) or self.terms.get(code.lower())
                if term_id:
                    attributes.append(
                        Attribute(
                            link_entity="service",
                            link_id=service.uuid,
                            taxonomy_term_id=term_id,
                            source=self.key,
                            **mark,
                        )
                    )
            schedules.extend(self._schedule(s, service=service) for s in record.schedules)
            if record.cost is not None:
                costs.append(
                    CostOption(
                        service=service,
                        amount=Decimal(str(record.cost)),
                        option="Free" if record.cost == 0 else record.cost_option,
                        amount_description=record.fees[:300],
                        source=self.key,
                        **mark,
                    )
                )
            if record.phone:
                phones.append(Phone(service=service, number=record.phone[:40], type="voice", source=self.key, **mark))
            languages.extend(
                Language(service=service, name=name[:100], code=code[:10], source=self.key, **mark)
                for name, code in record.languages
            )
        insert_rows(Attribute, attributes, ignore_conflicts=True)
        insert_rows(Schedule, schedules)
        insert_rows(CostOption, costs)
        insert_rows(Phone, phones)
        insert_rows(Language, languages)
        self._locations(pairs)
        self._checks(pairs, created)

    def _schedule(self, s, **owner) -> Schedule:
        return Schedule(
            freq=s.freq,
            byday=s.byday,
            opens_at=s.opens_at,
            closes_at=s.closes_at,
            dtstart=s.dtstart,
            until=s.until,
            description=s.description[:1000],
            source=self.key,
            **self.mark,
            **owner,
        )

    def _locations(self, pairs) -> None:
        wanted = {loc.source_id: loc for record, _ in pairs for loc in record.locations}
        if not wanted:
            return
        existing = {loc.source_id: loc for loc in Location.objects.filter(source=self.key, source_id__in=list(wanted))}
        new, moved = [], []
        for source_id, loc in wanted.items():
            location = existing.get(source_id)
            if location is None:
                location = Location(source=self.key, source_id=source_id, **self.mark)
                new.append(location)
            else:
                moved.append(location)
            location.name, location.latitude, location.longitude = loc.name, loc.latitude, loc.longitude
            location.harvested_at = self.now
            existing[source_id] = location
        directory.place_locations(new + moved)
        Location.objects.bulk_create(new, batch_size=BATCH)
        Location.objects.bulk_update(
            moved,
            ["name", "latitude", "longitude", "harvested_at", "lsoa", "ward", "local_authority"],
            batch_size=BATCH,
        )
        # Every listing at a place that moved or changed, from this feed or not, is searched anew.
        self.changed_ids.extend(directory.services_at_locations([loc.pk for loc in moved]))
        Address.objects.filter(location__in=moved).delete()
        # What the source says of a place's access and opening hours replaces what it said before.
        Accessibility.objects.filter(location__in=moved, source=self.key).delete()
        Schedule.objects.filter(location__in=moved, source=self.key).delete()
        insert_rows(
            Address,
            [
                Address(
                    location=existing[sid],
                    address_1=(loc.address_1 or loc.name or "Address")[:300],
                    city=loc.city[:100],
                    state_province="",
                    postal_code=loc.postcode[:10],
                    source=self.key,
                    **self.mark,
                )
                for sid, loc in wanted.items()
                if loc.address_1 or loc.postcode
            ],
        )
        insert_rows(
            Accessibility,
            [
                Accessibility(
                    location=existing[sid],
                    feature=AccessibilityFeature.STEP_FREE,
                    description=loc.accessibility_note or "Step-free access to the entrance and main rooms",
                    source=self.key,
                    **self.mark,
                )
                for sid, loc in wanted.items()
                if loc.step_free
            ],
        )
        insert_rows(
            Schedule,
            [self._schedule(s, location=existing[sid]) for sid, loc in wanted.items() for s in loc.opening],
        )
        links = {(s.pk, existing[loc.source_id].pk) for r, s in pairs for loc in r.locations}
        have = set(
            ServiceAtLocation.objects.filter(service_id__in={s for s, _ in links}).values_list(
                "service_id", "location_id"
            )
        )
        insert_rows(
            ServiceAtLocation,
            [ServiceAtLocation(service_id=s, location_id=loc, source=self.key, **self.mark) for s, loc in links - have],
        )

    def _checks(self, pairs, created: set[int]) -> None:
        # Checks a source reports (the demo's history) are written once, when the listing is first made.
        insert_rows(
            ListingCheck,
            [
                ListingCheck(service=s, checked_at=when, method=method, checked_by_role=role)
                for r, s in pairs
                if s.pk in created
                for when, method, role in r.checks
            ],
        )
        dated = [(r, s) for r, s in pairs if r.assured_date]
        if not dated:
            return
        done = set(
            ListingCheck.objects.filter(service__in=[s for _, s in dated], method="imported").values_list(
                "service_id", flat=True
            )
        )
        from datetime import datetime, time

        insert_rows(
            ListingCheck,
            [
                ListingCheck(
                    service=s,
                    checked_at=timezone.make_aware(datetime.combine(r.assured_date, time(12))),
                    method="imported",
                    checked_by_role="import",
                    note=f"Assured by the source: {self.source.name}",
                )
                for r, s in dated
                if s.pk not in done
            ],
        )

    # News ----------------------------------------------------------------------------------------

    def write_news(self, *, complete: bool) -> None:
        """Create or update the feed's news items; after a complete read, retire the ones it dropped."""
        existing = {n.guid: n for n in NewsItem.objects.filter(source=self.source)}
        fields = ["title", "publisher", "summary", "link", "published_at"]
        new, changed, problems = [], [], []
        for record in self.news:
            item = existing.get(record.source_id)
            values = {f: getattr(record, f) for f in fields}
            problems += [
                Problem(
                    run=self.run,
                    severity=Problem.Severity.FIELD_DROPPED,
                    source_id=record.source_id[:200],
                    record_name=record.title,
                    reason=note,
                )
                for note in record.dropped
            ]
            if item is None:
                new.append(NewsItem(source=self.source, guid=record.source_id, harvested_at=self.now, **values))
                existing[record.source_id] = new[-1]
            elif not item.active or any(getattr(item, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(item, f, v)
                item.active, item.harvested_at = True, self.now
                changed.append(item)
        NewsItem.objects.bulk_create(new, batch_size=BATCH)
        NewsItem.objects.bulk_update(changed, [*fields, "active", "harvested_at"], batch_size=BATCH)
        Problem.objects.bulk_create(problems, batch_size=BATCH)
        retired = 0
        if complete:
            seen = {r.source_id for r in self.news}
            retired = (
                NewsItem.objects.filter(source=self.source, active=True).exclude(guid__in=seen).update(active=False)
            )
        if self.news or retired:
            self.counts.update({"news created": len(new), "news updated": len(changed), "news retired": retired})

    def retire(self, source_id: str) -> None:
        self.flush()
        with transaction.atomic():
            self._retire(source_id)

    def _retire(self, source_id: str) -> None:
        gone = Service.objects.filter(source=self.key, source_id=source_id).exclude(status=ServiceStatus.INACTIVE)
        ids = list(gone.values_list("id", flat=True))
        gone.update(status=ServiceStatus.INACTIVE, source_hash="")
        directory.reindex_documents(ids)
        directory.reindex_documents(ids)
        self.counts["inactivated"] += len(ids)
        self.changed_ids.extend(ids)

    def retire_missing(self) -> None:
        self.flush()
        # Compared here, not in SQL: a feed of England holds more ids than SQLite takes in one query.
        listed = Service.objects.filter(source=self.key).exclude(status=ServiceStatus.INACTIVE)
        ids = [pk for pk, source_id in listed.values_list("id", "source_id") if source_id not in self.seen]
        for start in range(0, len(ids), 2000):
            Service.objects.filter(id__in=ids[start : start + 2000]).update(
                status=ServiceStatus.INACTIVE, source_hash=""
            )
        self.counts["inactivated"] += len(ids)
        self.changed_ids.extend(ids)
