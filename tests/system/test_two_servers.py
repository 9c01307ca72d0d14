"""Two machines' worth of Kith on one database: two `kith serve` instances, each with its job worker.

Writes on one reach search on both, and never stall it (the reduced form of `make bench`'s HTTP benchmark,
benchmarks/http_bench.py: the same load generator and writer, seconds instead of minutes, a small directory
instead of 100,000 services). A job asked for twice at once runs once; an email is sent once. On
PostgreSQL in CI the job queue is on Redis (KITH_TEST_REDIS_URL), as it would be across machines.
"""

import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.hostile import JsonFeed, serve
from tests.live import free_port, kith_serving

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))


class SlowFeed(JsonFeed):
    """An ORUK feed that takes its time, so that a harvest is still running when the second is asked for."""

    hits = 0

    def do_GET(self):
        type(self).hits += 1
        time.sleep(3)
        self._send(b'{"total_pages": 1, "contents": []}')


@pytest.fixture(scope="module")
def slow_feed():
    server = serve(SlowFeed)
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def queue_env():
    """Where the two workers' queue is: Redis if the run names one, else the database's own."""
    url = os.environ.get("KITH_TEST_REDIS_URL")
    if not url:
        yield {}
        return
    name = f"kith-test-{uuid.uuid4().hex[:8]}"
    yield {"KITH_REDIS_URL": url, "KITH_TASK_QUEUE": name}
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"*{name}*"):
        client.delete(key)


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory, slow_feed, queue_env):
    setup = [
        ["migrate"],
        ["load-geography", "--quiet"],
        ["demo-data", "--seed", "2026", "--services", "300", "--quiet"],
        ["collectstatic"],
    ]
    env = {
        "KITH_SECURE_COOKIES": "0",
        "KITH_SECRET_KEY": "two-servers-secret-key-0123456789-abcdefghij",
        "KITH_IMPORT_ALLOWED_HOSTS": slow_feed,
        **queue_env,
    }
    var = tmp_path_factory.mktemp("kith-two")
    # The workers are started here, one per "machine", without the schedule: a quarter-hourly index build
    # landing mid-test would be a build the tests below did not ask for.
    with kith_serving(var, env=env, setup=setup, worker=False) as first:
        port = free_port()
        log = (var / "second.log").open("wb")
        second_env = {**first.env, "KITH_BASE_URL": f"http://127.0.0.1:{port}"}
        second = subprocess.Popen(
            [*first.kith, "serve", "--port", str(port), "--workers", "2"],
            env=second_env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        workers = [
            subprocess.Popen(
                [*first.kith, "worker", "--threads", "4", "--no-schedule"],
                env=machine_env,
                cwd=REPO,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
            for machine_env in (first.env, second_env)
        ]
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                pytest.fail(f"the second server never became ready: {(var / 'second.log').read_text()[-3000:]}")
            assert all(w.poll() is None for w in workers), (var / "second.log").read_text()[-3000:]
            yield first, f"http://127.0.0.1:{port}", port
        finally:
            for process in (second, *workers):
                process.terminate()
            for process in (second, *workers):
                process.wait(timeout=30)
            log.close()


def found(base: str, name: str) -> bool:
    """Whether a search for the name lists a service of that name (not merely repeats the words searched)."""
    query = urllib.parse.urlencode({"q": name})
    with urllib.request.urlopen(f"{base}/search/?{query}", timeout=20) as response:
        return f">{name}</a></h2>" in response.read().decode()


def test_a_listing_renamed_through_one_is_found_on_the_other_within_two_seconds(two_servers):
    first, second_url, _ = two_servers
    assert not found(second_url, "Zephyr Pottery Circle") and not found(first.url, "Zephyr Pottery Circle")
    rename = (
        "from kith.directory.models import Service; from kith.directory import services;"
        "s = Service.objects.filter(status='active').order_by('id').first(); s.name = 'Zephyr Pottery Circle';"
        "s.save(); services.services_changed(service_ids=[s.pk])"
    )
    done = subprocess.run(
        [*first.kith, "manage", "shell", "-c", rename], env=first.env, cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    written = time.monotonic()
    seen = {}
    while len(seen) < 2 and time.monotonic() - written < 10:
        for name, url in (("first", first.url), ("second", second_url)):
            if name not in seen and found(url, "Zephyr Pottery Circle"):
                seen[name] = time.monotonic() - written
        time.sleep(0.05)
    assert set(seen) == {"first", "second"}, seen
    # Each server has two workers; every one of them must have it, so ask each server several times.
    assert all(found(url, "Zephyr Pottery Circle") for url in (first.url, second_url) for _ in range(6))
    assert max(seen.values()) <= 2.0, seen


def page(url: str) -> tuple[str, str]:
    """The page's HTML and whether it came from the page cache ("hit", "miss", or "" when not kept)."""
    with urllib.request.urlopen(url, timeout=20) as response:
        return response.read().decode().replace("\xa0", " "), response.headers.get("X-Kith-Cache", "")


def test_a_page_kept_on_either_server_shows_a_check_made_through_the_other_at_once(two_servers):
    first, second_url, _ = two_servers
    pick = (
        "from kith.directory.models import Service;"
        "print(Service.objects.filter(status='active', checks__isnull=False).order_by('-id').first().name)"
    )
    done = subprocess.run([*first.kith, "manage", "shell", "-c", pick], env=first.env, cwd=REPO, capture_output=True)
    name = done.stdout.decode().strip().splitlines()[-1]
    urls = [f"{base}/search/?{urllib.parse.urlencode({'q': name})}" for base in (first.url, second_url)]
    for url in urls:  # kept by whichever worker answers first, and served again by any of them
        assert page(url)[1] in ("miss", "hit")
        assert [page(url)[1] for _ in range(4)] == ["hit"] * 4
    assert all("checked just now" not in page(url)[0] for url in urls)
    check = (
        "import datetime as dt; from kith.directory.models import Service; from kith.directory import services;"
        f"s = Service.objects.filter(name={name!r}).order_by('-id').first();"
        "services.record_check(service=s, checked_at=dt.datetime.now(dt.UTC), method='phoned', role='link worker')"
    )
    done = subprocess.run([*first.kith, "manage", "shell", "-c", check], env=first.env, cwd=REPO, capture_output=True)
    assert done.returncode == 0, done.stderr
    for url in urls:
        html, kept = page(url)
        assert kept == "miss" and "checked just now" in html, (url, kept)


def test_searches_under_a_stream_of_checks_all_answer(two_servers):
    import http_bench

    first, _, _ = two_servers
    paths = [f"/search/?{urllib.parse.urlencode({'q': q, 'near': 'M9 4DH'})}" for q in ("walking", "choir", "lonely")]
    quiet = http_bench.run_load(first.port, paths, seconds=2, connections=4)
    writer = subprocess.Popen(
        [sys.executable, str(REPO / "benchmarks" / "http_bench.py"), "--write-checks", "0.25"],
        env=first.env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout.readline().strip() == "ready"
    try:
        busy = http_bench.run_load(first.port, paths, seconds=3, connections=4)
    finally:
        writer.terminate()
        printed, _ = writer.communicate(timeout=30)
    assert printed.count("checked") >= 5
    assert quiet["errors"] == 0 and busy["errors"] == 0 and busy["requests"] > 10
    # One builder process built the index once, at start, and each worker mapped its files; every check since
    # was spliced in, not rebuilt.
    assert first.log.read_text().count("mapped the search index") == 2
    saved = [p for p in (Path(first.env["KITH_VAR_DIR"]) / "search-index").iterdir() if p.is_dir()]
    assert len(saved) == 1


def run_kith(server, *args: str) -> str:
    done = subprocess.run([*server.kith, *args], env=server.env, cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def kith_shell(server, code: str) -> str:
    return run_kith(server, "manage", "shell", "-c", code)


def job_record(server, name: str) -> dict:
    return next(j for j in json.loads(run_kith(server, "jobs", "--format", "json"))["jobs"] if j["name"] == name)


def test_a_job_asked_for_twice_at_once_runs_once(two_servers, slow_feed):
    first, _, _ = two_servers
    kith_shell(
        first,
        "from kith.feeds.models import Source; from kith.feeds.tasks import harvest_due;"
        f"Source.objects.create(name='Slow feed', kind='oruk', location='http://{slow_feed}/services');"
        "harvest_due(); harvest_due()",
    )
    deadline = time.monotonic() + 30
    while True:
        record = job_record(first, "harvest")
        if record["runs"] + record["skipped"] >= 2 and not record["running_since"]:
            break
        assert time.monotonic() < deadline, record
        time.sleep(0.5)
    # Two workers, four threads each, took one each: the second found the first still running and stood down.
    assert record["skipped"] >= 1 and record["succeeded"] is True, record
    assert SlowFeed.hits == 1
    runs = kith_shell(
        first,
        "from kith.feeds.models import ImportRun; print(ImportRun.objects.filter(source__name='Slow feed').count())",
    )
    assert runs.split()[-1] == "1"


def test_emails_queued_on_one_machine_are_each_sent_once(two_servers):
    first, _, _ = two_servers
    kith_shell(
        first,
        "from django.db import transaction; from kith.core import mail\n"
        "with transaction.atomic():\n"
        "    for i in range(20): mail.queue(f'Two machines {i:02d}', 'Hello', ['someone@example.org'])\n"
        # The outbox's sweep, asked for twice as well, races both workers' sends of the same emails.
        "from kith.core.tasks import send_mail; send_mail(); send_mail()",
    )
    folder = Path(first.env["KITH_VAR_DIR"]) / "mail"
    deadline = time.monotonic() + 20

    def subjects():
        text = "".join(p.read_text() for p in folder.iterdir()) if folder.exists() else ""
        return re.findall(r"^Subject: (Two machines \d\d)$", text, re.MULTILINE)

    while len(set(subjects())) < 20:
        assert time.monotonic() < deadline, sorted(subjects())
        time.sleep(0.2)
    time.sleep(2)  # and nothing is sent again meanwhile
    sent = subjects()
    assert len(sent) == 20 and len(set(sent)) == 20, sorted(sent)
    attempts = kith_shell(
        first,
        "from kith.core.models import OutboxEmail as E;"
        "print(sorted(set(E.objects.filter(subject__startswith='Two machines').values_list('attempts', flat=True))))",
    )
    assert attempts.splitlines()[-1] == "[1]"


def test_the_workers_keep_a_fresh_search_index_in_the_shared_store(two_servers):
    first, _, _ = two_servers
    kith_shell(
        first,
        "from kith.directory.models import Service; from kith.directory import services;"
        "s = Service.objects.filter(status='active').order_by('-id').first(); s.name = 'Quince Sewing Bee';"
        "s.save(); services.services_changed(service_ids=[s.pk]);"
        "from kith.directory.tasks import refresh_index; refresh_index()",
    )
    deadline = time.monotonic() + 60
    while not (record := job_record(first, "refresh-index"))["summary"].startswith("Built the search index into"):
        assert time.monotonic() < deadline, record
        time.sleep(0.5)
    assert record["succeeded"] is True
    built = Path(first.env["KITH_VAR_DIR"]) / "search-index" / record["summary"].removesuffix(".").rsplit(" ", 1)[1]
    assert built.is_dir()
    state = kith_shell(
        first,
        "from kith.directory.search.index import current_state; s = current_state(); print(s.version, s.token)",
    )
    version, token = state.splitlines()[-1].split()
    assert built.name.startswith(f"{int(version):012d}-{token}-"), (built.name, version, token)
