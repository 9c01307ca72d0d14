"""Run one source: fetch, parse, write. Every failure is reported on the run, never a crash."""

import json
from pathlib import Path
from urllib.parse import urljoin

from django.utils import timezone

from kith.feeds.fetch import FetchError, read
from kith.feeds.importers import calendars, csv_template, hsds_package, openactive, oruk_v1, oruk_v3
from kith.feeds.importers.writer import run_import
from kith.feeds.models import ImportRun, Source

MAX_PAGES = 2000


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


PARSERS = {
    Source.Kind.ORUK_V1: lambda s, p: oruk_v1.parse(_json(read(s.location), s.location)),
    Source.Kind.ORUK_V3: _oruk,
    Source.Kind.OPENACTIVE: _openactive,
    Source.Kind.HSDS_PACKAGE: _package,
    Source.Kind.ICAL: lambda s, p: calendars.parse_ical(read(s.location), organiser=s.name),
    Source.Kind.RSS: lambda s, p: calendars.parse_feed(read(s.location), organiser=s.name),
    Source.Kind.CSV: lambda s, p: csv_template.parse(read(s.location)),
}
# RPDE sends changes and deletions, not the whole list, so what it leaves out is not gone.
INCREMENTAL = {Source.Kind.OPENACTIVE}


def run_source(source: Source, progress=None) -> ImportRun:
    try:
        records = PARSERS[source.kind](source, progress)
    except FetchError as error:
        run = ImportRun.objects.create(source=source, status="failed", error=str(error), finished_at=timezone.now())
        source.last_run_at, source.last_status = run.finished_at, "failed"
        source.save(update_fields=["last_run_at", "last_status"])
        return run
    return run_import(source, records, complete=source.kind not in INCREMENTAL, progress=progress)
