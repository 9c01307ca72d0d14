"""Run one source: fetch, parse, write. Every failure is reported on the run, never a crash."""

import datetime as dt
import json
import logging
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from kith.directory import services as directory
from kith.directory.models import Service, ServiceStatus
from kith.feeds.fetch import FetchError, read
from kith.feeds.importers import calendars, csv_template, hsds_package, openactive, oruk_v1, oruk_v3
from kith.feeds.importers.records import NewsRecord
from kith.feeds.importers.writer import Writer
from kith.feeds.models import ImportRun, Source

MAX_PAGES = 2000
logger = logging.getLogger(__name__)


def _json(raw: bytes, location: str):
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise FetchError(f"{location} is not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise FetchError(f"{location} is not valid JSON ({error.msg} at line {error.lineno}).") from None


def _oruk(source, progress):
    first, pages = oruk_v3.parse_page(_json(read(source.location), source.location))
    records = list(first)
    joiner = "&" if "?" in source.location else "?"
    for page in range(2, min(pages, MAX_PAGES) + 1):
        more, _ = oruk_v3.parse_page(_json(read(f"{source.location}{joiner}page={page}"), source.location))
        records.extend(more)
        if progress:
            progress("pages", page, pages)
    return records


def _openactive(source, progress):
    records, url, seen = [], source.location, set()
    while url and url not in seen and len(seen) < MAX_PAGES:
        seen.add(url)
        page, following = openactive.parse_page(_json(read(url), url))
        records.extend(page)
        url = urljoin(url, following) if following else None
        if progress:
            progress("pages", len(seen), len(seen) + (1 if url else 0))
    return records


def _package(source, progress):
    location = source.location
    if location.startswith(("http://", "https://")):
        base = location if location.endswith("/") else location.rsplit("/", 1)[0] + "/"
    else:
        path = Path(location)
        base = str(path if path.is_dir() else path.parent) + "/"

    def table(name):
        try:
            return read(urljoin(base, f"{name}.csv") if base.startswith("http") else f"{base}{name}.csv")
        except FetchError:
            return None

    return hsds_package.parse(table)


def _not_fetched():
    raise FetchError("The demo directory is built by `kith demo-data`, not fetched; run that to make it again.")


PARSERS = {
    Source.Kind.ORUK_V1: lambda s, p: oruk_v1.parse(_json(read(s.location), s.location)),
    Source.Kind.ORUK_V3: _oruk,
    Source.Kind.OPENACTIVE: _openactive,
    Source.Kind.HSDS_PACKAGE: _package,
    Source.Kind.ICAL: lambda s, p: calendars.parse_ical(read(s.location), organiser=s.name),
    Source.Kind.RSS: lambda s, p: calendars.parse_feed(read(s.location), organiser=s.name),
    Source.Kind.CSV: lambda s, p: csv_template.parse(read(s.location)),
    Source.Kind.DEMO: lambda s, p: _not_fetched(),
}
# RPDE sends changes and deletions, not the whole list, so what it leaves out is not gone.
INCREMENTAL = {Source.Kind.OPENACTIVE}


def reason_for(error: BaseException) -> str:
    """Why a run failed, in words for the import report, whatever went wrong."""
    if isinstance(error, FetchError):
        return str(error)
    if isinstance(error, RecursionError):
        return "The feed is nested too deeply to read (more than about a thousand levels of brackets or tags)."
    if isinstance(error, MemoryError):
        return "The feed is too large to read into memory."
    text = str(error).strip()
    return f"{type(error).__name__}: {text[:500]}" if text else type(error).__name__


def expire_overdue_runs() -> int:
    """Runs still marked running after their deadline were stopped part-way: record them as failed."""
    now = timezone.now()
    overdue = ImportRun.objects.filter(status="running", deadline_at__lt=now)
    sources = list(overdue.values_list("source_id", flat=True))
    count = overdue.update(status="failed", error=ImportRun.OVERDUE, finished_at=F("deadline_at"))
    Source.objects.filter(pk__in=sources).exclude(last_status="done", last_run_at__gt=now).update(last_status="failed")
    return count


def _take_lock(source: Source, until) -> bool:
    """Hold the source until `until`, unless another run holds it; the lock lapses if its run dies."""
    now = timezone.now()
    free = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    return Source.objects.filter(free, pk=source.pk).update(locked_until=until) == 1


def run_source(source: Source, progress=None) -> ImportRun:
    """One run of one source: whatever goes wrong is recorded on the run with a reason, never raised."""
    expire_overdue_runs()
    deadline = timezone.now() + dt.timedelta(minutes=settings.KITH_IMPORT_DEADLINE_MINUTES)
    if not _take_lock(source, deadline):
        source.refresh_from_db(fields=["locked_until"])
        held = timezone.localtime(source.locked_until)
        # Not saved: nothing ran, and the run that holds the source will report for itself.
        return ImportRun(
            source=source,
            status="skipped",
            error=f"Another import of this source is still running (it may run until {held:%H:%M on %-d %B}); "
            "this one did not start.",
        )
    run = ImportRun.objects.create(source=source, deadline_at=deadline)
    try:
        try:
            records = PARSERS[source.kind](source, progress)
        except Exception as error:
            run.status, run.error, run.finished_at = "failed", reason_for(error), timezone.now()
            # The reason goes on the run; the traceback only to a debug log, never to the person importing.
            logger.debug("Reading %s failed", source, exc_info=not isinstance(error, FetchError))
            run.save(update_fields=["status", "error", "finished_at"])
            source.last_run_at, source.last_status = run.finished_at, "failed"
            source.save(update_fields=["last_run_at", "last_status"])
            return run
        return run_import(source, records, complete=source.kind not in INCREMENTAL, progress=progress, run=run)
    finally:
        Source.objects.filter(pk=source.pk).update(locked_until=None)


def run_import(
    source: Source,
    records,
    *,
    complete: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
    run: ImportRun | None = None,
) -> ImportRun:
    """Import an iterable of ServiceRecord (or Quarantine instances for records that failed to parse)."""
    run = run or ImportRun.objects.create(source=source)
    writer = Writer(source, run)
    try:
        # Each batch of records commits on its own (the writer's flush), so that on SQLite a member of staff
        # waits for one batch at most, never the whole run (ADR 0012). What the source no longer lists is
        # retired only at the end, in the last transaction, so a run that stops part-way retires nothing.
        items = list(records)
        for n, item in enumerate(items, start=1):
            if isinstance(item, tuple):  # (source id, name, reason, payload) from a parser
                writer.quarantine(*item)
            elif isinstance(item, NewsRecord):
                writer.news.append(item)
            elif hasattr(item, "source_id") and not hasattr(item, "organisation"):  # deleted at the source
                writer.retire(item.source_id)
            else:
                writer.service(item)
            if progress and (n % 200 == 0 or n == len(items)):
                progress("records", n, len(items))
        with transaction.atomic():
            writer.flush()
            if complete:
                writer.retire_missing()
            writer.write_news(complete=complete)
        run.unplaced = Service.objects.filter(
            source=source.key, status=ServiceStatus.ACTIVE, service_at_locations__isnull=True
        ).count()
        run.status = "done"
    except Exception as error:  # the batch that failed rolled back: keep the run and say why
        run.status, run.error = "failed", reason_for(error)
        if writer.written:
            run.error = (
                f"{run.error} It stopped part-way: {writer.written:,} services were written before it did, "
                "and nothing was made inactive. The next run carries on from there."
            )
        logger.warning("Import of %s failed: %s", source, run.error)
        logger.debug("Import of %s failed", source, exc_info=True)
        source.last_status = "failed"
    else:
        source.last_status = "done"
    finally:
        # Whatever committed reaches search, all at once (one rebuild, not one a batch).
        if writer.changed_ids:  # their full text was written with each batch
            directory.services_changed(service_ids=writer.changed_ids, reindexed=True)
    run.counts = writer.counts
    run.finished_at = timezone.now()
    run.save()
    source.last_run_at = run.finished_at
    source.save(update_fields=["last_run_at", "last_status"])
    return run


def due_sources() -> list[Source]:
    """Sources whose next run is due; one that failed last time is due at once, whatever its schedule."""
    now = timezone.now()
    return [
        s
        for s in Source.objects.exclude(kind=Source.Kind.DEMO).order_by("name")  # the demo is built, not fetched
        if s.last_run_at is None
        or s.last_status == "failed"
        or now - s.last_run_at >= dt.timedelta(hours=s.every_hours)
    ]


def harvest(progress_for=lambda source: None, on_run=lambda run: None) -> dict:
    """Run every due source in turn; totals of runs and of records, for `kith harvest` and the hourly job."""
    expire_overdue_runs()
    due = due_sources()
    summary = {"sources": len(due), "failed": 0, "skipped": 0, "totals": {}}
    for source in due:
        progress = progress_for(source)
        try:
            run = run_source(source, progress)
        except Exception as error:  # run_source records its own failures; this is the last guard
            run = ImportRun(source=source, status="failed", error=reason_for(error))
        on_run(run)
        summary["failed"] += run.status == "failed"
        summary["skipped"] += run.status == "skipped"
        for key, value in run.counts.items():
            summary["totals"][key] = summary["totals"].get(key, 0) + value
    return summary


def describe_harvest(summary: dict) -> str:
    count, totals = summary["sources"], summary["totals"]
    if not count:
        return "No source is due."
    done = count - summary["failed"] - summary["skipped"]
    return (
        f"Harvested {count} source{'s' if count != 1 else ''}: {done} done, {summary['failed']} failed"
        + (f", {summary['skipped']} already running" if summary["skipped"] else "")
        + f"; {totals.get('created', 0):,} new, {totals.get('updated', 0):,} changed, "
        f"{totals.get('inactivated', 0):,} made inactive, {totals.get('quarantined', 0):,} not imported."
    )
