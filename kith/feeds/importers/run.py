"""Run one source: fetch, parse, write. Every failure is reported on the run, never a crash."""

import json

from kith.feeds.fetch import FetchError, read
from kith.feeds.importers import oruk_v1, oruk_v3
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


def records_for(source: Source, progress=None) -> list:
    if source.kind == Source.Kind.ORUK_V1:
        return oruk_v1.parse(_json(read(source.location), source.location))
    if source.kind == Source.Kind.ORUK_V3:
        first, pages = oruk_v3.parse_page(_json(read(source.location), source.location))
        records = list(first)
        joiner = "&" if "?" in source.location else "?"
        for page in range(2, min(pages, MAX_PAGES) + 1):
            more, _ = oruk_v3.parse_page(_json(read(f"{source.location}{joiner}page={page}"), source.location))
            records.extend(more)
            if progress:
                progress("pages", page, pages)
        return records
    raise FetchError(f"Importing {source.get_kind_display()} is not available yet.")


def run_source(source: Source, progress=None) -> ImportRun:
    try:
        records = records_for(source, progress)
    except FetchError as error:
        run = ImportRun.objects.create(source=source, status="failed", error=str(error))
        from django.utils import timezone

        run.finished_at = timezone.now()
        run.save()
        source.last_run_at, source.last_status = run.finished_at, "failed"
        source.save(update_fields=["last_run_at", "last_status"])
        return run
    return run_import(source, records, progress=progress)
