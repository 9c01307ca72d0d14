"""Kith's jobs on Huey (ADR 0023): each named, run on a schedule or when asked, one run at a time, recorded.

A job is guarded in the database, not in the queue: before it runs, a worker claims the job's row
(`core.Job.running_since`) with one conditional UPDATE, which only one of any number of workers, on any
number of machines, can win. The loser records the skip and returns. A claim older than the job's limit
is a worker that died mid-run, and is taken over. Every job is also safe to run again (its own records
say what was done), so a run that is repeated after a crash does no harm.

Apps define their jobs in their own `tasks.py`, which `kith worker` finds (Huey's Django integration).
"""

import datetime as dt
import json
import logging
from functools import wraps

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task
from prometheus_client import Gauge

from kith.core.models import Job

logger = logging.getLogger(__name__)

__all__ = ["HUEY", "JOBS", "claim", "job", "job_status", "queue_depth", "release", "worker_last_seen"]


def claim(name: str, *, limit: dt.timedelta, now: dt.datetime | None = None) -> bool:
    """Take the job for this run; False if another run holds it (and has not outlived `limit`)."""
    now = now or timezone.now()
    _make_row(name)
    taken = Job.objects.filter(Q(running_since__isnull=True) | Q(running_since__lt=now - limit), name=name).update(
        running_since=now, started_at=now, runs=F("runs") + 1
    )
    if not taken:
        Job.objects.filter(name=name).update(skipped=F("skipped") + 1)
    return bool(taken)


def started(name: str) -> None:
    """Count a run of an unguarded job (runs side by side, so nothing is claimed)."""
    _make_row(name)
    Job.objects.filter(name=name).update(started_at=timezone.now(), runs=F("runs") + 1)


def _make_row(name: str) -> None:
    try:
        with transaction.atomic():
            Job.objects.get_or_create(name=name)
    except IntegrityError:
        pass  # another worker made the row first


def release(name: str, *, succeeded: bool, summary: str, held: bool = True) -> None:
    """Record how the run ended; `held`: give up the claim as well (unguarded runs never took it)."""
    done = {"finished_at": timezone.now(), "succeeded": succeeded, "summary": summary[:300]}
    Job.objects.filter(name=name).update(**done, **({"running_since": None} if held else {}))


# Every job, by name: its schedule as a crontab line ("minute hour day month weekday", UTC), or None.
JOBS: dict[str, str | None] = {}


def job(name: str, *, schedule: str | None = None, limit: dt.timedelta = dt.timedelta(hours=1), guarded=True):
    """Make `fn` a Huey task called `name`, periodic on the crontab line `schedule`; it returns the run's summary.

    `guarded` jobs run one at a time everywhere; unguarded ones (sending given emails) are safe side by side.
    """

    def decorator(fn):
        @wraps(fn)
        def run(*args, **kwargs):
            if guarded and not claim(name, limit=limit):
                logger.info("Job %s is already running elsewhere; this run is skipped.", name)
                return None
            elif not guarded:
                started(name)
            try:
                summary = fn(*args, **kwargs)
            except Exception as error:
                logger.exception("Job %s failed.", name)
                release(name, succeeded=False, summary=f"{error.__class__.__name__}: {error}", held=guarded)
                raise
            release(name, succeeded=True, summary=str(summary or ""), held=guarded)
            logger.info("Job %s: %s", name, summary or "done")
            return summary

        JOBS[name] = schedule
        if schedule is not None:
            minute, hour, day, month, weekday = schedule.split()
            return db_periodic_task(crontab(minute, hour, day, month, weekday, strict=True), name=name)(run)
        return db_task(name=name)(run)

    return decorator


def queue_depth() -> int | None:
    """Jobs waiting in the queue for a worker; None if the queue cannot be reached."""
    try:
        return HUEY.pending_count()
    except Exception:  # Redis down, the queue file unreadable: whatever the storage raises
        logger.warning("The job queue cannot be reached.", exc_info=True)
        return None


def worker_last_seen() -> dt.datetime | None:
    """When a worker last finished a job (the minutely outbox sweep is its heartbeat)."""
    return (
        Job.objects.filter(finished_at__isnull=False)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )


def job_status() -> list[dict]:
    """Every job the worker knows, with its schedule and last run (rows for jobs that never ran are blank)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")  # the worker's own discovery: each app's tasks.py
    recorded = {j.name: j for j in Job.objects.all()}
    rows = []
    for name, schedule in sorted(JOBS.items()):
        found = recorded.get(name)
        rows.append(
            {
                "name": name,
                "schedule": schedule or "when asked",
                "running_since": found and found.running_since,
                "runs": found.runs if found else 0,
                "skipped": found.skipped if found else 0,
                "finished_at": found and found.finished_at,
                "succeeded": found.succeeded if found else None,
                "summary": found.summary if found else "",
            }
        )
    return rows


# Seen by /metrics; set when it is read (observability.metrics), from the queue and core.Job.
QUEUE_DEPTH = Gauge(
    "kith_job_queue_depth",
    "Jobs waiting for a worker (-1: the queue cannot be reached)",
    multiprocess_mode="mostrecent",
)
WORKER_SILENT = Gauge(
    "kith_worker_silent_seconds",
    "Seconds since a worker last finished a job (-1: never)",
    multiprocess_mode="mostrecent",
)
LAST_SUCCESS = Gauge(
    "kith_job_last_success_timestamp_seconds", "When each job last succeeded", ["job"], multiprocess_mode="mostrecent"
)
SILENT_AFTER = dt.timedelta(minutes=5)  # the outbox sweep runs every minute


def update_metrics() -> None:
    depth = queue_depth()
    QUEUE_DEPTH.set(-1 if depth is None else depth)
    seen = worker_last_seen()
    WORKER_SILENT.set(-1 if seen is None else (timezone.now() - seen).total_seconds())
    for name, finished in Job.objects.filter(succeeded=True).values_list("name", "finished_at"):
        LAST_SUCCESS.labels(job=name).set(finished.timestamp())


def readiness() -> tuple[bool, str]:
    """Ready if jobs can be queued; a silent worker is said, not failed: emails and harvests wait for it, but
    every page still works, and a load balancer that took every server out for it would stop the service."""
    depth = queue_depth()
    if depth is None:
        return False, "the job queue cannot be reached"
    seen = worker_last_seen()
    if seen is None:
        return True, f"{depth} waiting; no worker has run a job yet (run `kith worker`)"
    silent = timezone.now() - seen
    if silent > SILENT_AFTER:
        return True, f"{depth} waiting; no worker has finished a job for {int(silent.total_seconds() // 60)} minutes"
    return True, f"ok: {depth} waiting, a worker finished a job {int(silent.total_seconds())} s ago"


def status_report(*, as_json: bool = False) -> str:
    """`kith jobs`: a line per job (or JSON), then how many wait in the queue."""
    rows, depth = job_status(), queue_depth()
    if as_json:
        for row in rows:
            row.update({k: v.isoformat() for k, v in row.items() if hasattr(v, "isoformat")})
        return json.dumps({"queue_depth": depth, "jobs": rows}, indent=2)
    lines = []
    for row in rows:
        when = f"{timezone.localtime(row['finished_at']):%Y-%m-%d %H:%M}" if row["finished_at"] else "never"
        state = "running" if row["running_since"] else {True: "ok", False: "FAILED", None: "-"}[row["succeeded"]]
        lines.append(f"{row['name']:<16} {row['schedule']:<26} {when:<17} {state:<8} {row['summary']}")
    lines.append("Waiting in the queue: " + ("cannot reach the queue" if depth is None else f"{depth}"))
    return "\n".join(lines)
