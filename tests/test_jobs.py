"""The job runner (kith.core.jobs): one run at a time anywhere, recorded, watched by /readyz and /metrics.

Two real workers racing for one job, and emails sent once by two workers, are in tests/system/test_two_servers.py.
"""

import datetime as dt

import pytest
from click.testing import CliRunner
from django.utils import timezone
from huey import RedisHuey

from kith.cli import main
from kith.core import jobs
from kith.core.models import Job
from kith.directory.search.index import refresh_now
from tests.live import free_port

pytestmark = pytest.mark.django_db


def test_only_one_claim_holds_until_it_is_released():
    assert jobs.claim("harvest", limit=dt.timedelta(hours=1))
    assert not jobs.claim("harvest", limit=dt.timedelta(hours=1))
    jobs.release("harvest", succeeded=True, summary="done")
    assert jobs.claim("harvest", limit=dt.timedelta(hours=1))
    record = Job.objects.get(name="harvest")
    assert (record.runs, record.skipped) == (2, 1)


@pytest.mark.parametrize(
    ("held_for", "limit", "taken_over"),
    [
        (dt.timedelta(minutes=59), dt.timedelta(hours=1), False),
        (dt.timedelta(minutes=61), dt.timedelta(hours=1), True),  # the worker that held it died mid-run
        (dt.timedelta(hours=5), dt.timedelta(hours=6), False),
    ],
)
def test_a_claim_older_than_the_jobs_limit_is_taken_over(held_for, limit, taken_over):
    now = timezone.now()
    assert jobs.claim("harvest", limit=limit, now=now - held_for)
    assert jobs.claim("harvest", limit=limit, now=now) is taken_over


def test_a_guarded_job_records_its_run_and_refuses_a_second_at_once():
    calls = []

    @jobs.job("test-once", schedule="*/5 * * * *")
    def once():
        calls.append(1)
        assert not jobs.claim("test-once", limit=dt.timedelta(hours=1))  # a second worker, meanwhile
        return "did it"

    once()  # tests run jobs where they are asked for (KITH_TASKS_IMMEDIATE)
    record = Job.objects.get(name="test-once")
    assert calls == [1] and record.running_since is None
    assert (record.runs, record.skipped, record.succeeded, record.summary) == (1, 1, True, "did it")
    assert jobs.JOBS["test-once"] == "*/5 * * * *"


def test_a_job_that_fails_is_recorded_as_failed_and_free_to_run_again():
    @jobs.job("test-fails")
    def fails():
        raise ValueError("the feed said no")

    with pytest.raises(ValueError):
        fails.call_local()  # the task's own body, as the worker runs it
    record = Job.objects.get(name="test-fails")
    assert record.succeeded is False and record.summary == "ValueError: the feed said no"
    assert record.running_since is None


def test_a_schedule_that_is_not_a_crontab_line_is_refused_when_the_job_is_made():
    with pytest.raises(ValueError):
        jobs.job("test-bad", schedule="61 * * * *")(lambda: None)


def test_kith_jobs_lists_every_job_with_its_schedule_and_last_run():
    Job.objects.create(name="harvest", runs=3, finished_at=timezone.now(), succeeded=True, summary="No source is due.")
    printed = CliRunner().invoke(main, ["jobs"]).output
    lines = {line.split()[0]: line for line in printed.splitlines() if line and not line.startswith("Waiting")}
    assert {"harvest", "send-mail", "send-digests", "remind-editors", "retention", "refresh-index"} <= set(lines)
    assert "0 * * * *" in lines["harvest"] and "No source is due." in lines["harvest"]
    assert "never" in lines["retention"]
    assert "Waiting in the queue: 0" in printed


def test_ready_while_the_queue_answers_and_says_when_a_worker_last_ran(client):
    refresh_now()  # else /readyz starts building the search index on a thread of its own
    body = client.get("/readyz").json()
    assert "no worker has run a job yet" in body["checks"]["jobs"]
    Job.objects.create(name="send-mail", finished_at=timezone.now() - dt.timedelta(minutes=12), succeeded=True)
    assert "for 12 minutes" in client.get("/readyz").json()["checks"]["jobs"]
    Job.objects.filter(name="send-mail").update(finished_at=timezone.now())
    assert client.get("/readyz").json()["checks"]["jobs"].startswith("ok: 0 waiting")


def test_not_ready_when_the_queue_cannot_be_reached(client, monkeypatch):
    # A real Redis client, pointed at a port where nothing listens: what a deployment sees when Redis is down.
    unreachable = RedisHuey("kith-test", url=f"redis://127.0.0.1:{free_port()}/0")
    monkeypatch.setattr(jobs, "HUEY", unreachable)
    refresh_now()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["jobs"] == "the job queue cannot be reached"


def test_metrics_show_the_queue_the_worker_and_each_jobs_last_success(client):
    Job.objects.create(name="harvest", finished_at=timezone.now(), succeeded=True)
    text = client.get("/metrics").content.decode()
    assert "kith_job_queue_depth 0.0" in text
    assert 'kith_job_last_success_timestamp_seconds{job="harvest"}' in text
    assert "kith_worker_silent_seconds" in text


def test_an_unguarded_job_runs_side_by_side_and_is_still_counted():
    calls = []

    @jobs.job("test-side-by-side", guarded=False)
    def side_by_side():
        calls.append(1)
        return "sent"

    assert jobs.claim("test-side-by-side", limit=dt.timedelta(hours=1))  # as if one were running elsewhere
    side_by_side()
    side_by_side()
    record = Job.objects.get(name="test-side-by-side")
    assert calls == [1, 1] and (record.runs, record.skipped, record.summary) == (3, 0, "sent")
    assert record.running_since is not None  # an unguarded run never takes or gives up a claim
