"""Staff writes during a large import, on SQLite: how long does a member of staff wait?

A fresh SQLite database (migrated, Greater Manchester's geography, a small demo directory); then
`kith import oruk` of an N-service file in one process while another records a check of a listing every
0.1 s (what a link worker's "checked" button does), timing each. Issue 14's target: no write waits over
a second during a 60,000-service import. `make bench` runs it at 60,000; tests/feeds at a few thousand.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tests.hostile import JsonFeed, serve  # noqa: E402  (the loopback feed server the tests use)

WRITE_EVERY_S = 0.1
PAGE_SIZE = 1000


def serve_feed(feed: dict):
    """The feed as a publisher's ORUK API serves it: pages of 1,000 services on loopback (one file of 60,000
    would pass the importer's 50 MB limit on a single read)."""
    services = feed["contents"]
    pages = max(1, -(-len(services) // PAGE_SIZE))
    bodies = [
        json.dumps({**feed, "contents": services[i * PAGE_SIZE : (i + 1) * PAGE_SIZE], "total_pages": pages,
                    "page_number": i + 1, "size": PAGE_SIZE}).encode()
        for i in range(pages)
    ]  # fmt: skip

    class Pages(JsonFeed):
        def do_GET(self):
            number = int(parse_qs(urlsplit(self.path).query).get("page", ["1"])[0])
            self._send(bodies[number - 1] if 1 <= number <= pages else b"{}")

    return serve(Pages)


def kith_env(folder: Path) -> dict:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("KITH_") and k != "DATABASE_URL"}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "kith.config.settings",
        "KITH_ENV_FILE": "",
        "KITH_SECRET_KEY": "import-while-working-secret-0123456789-abcdefgh",
        "KITH_BASE_URL": "http://127.0.0.1:8000",
        "KITH_SECURE_COOKIES": "0",
        "KITH_VAR_DIR": str(folder),
        "KITH_LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"sqlite:///{folder / 'kith.sqlite3'}",
    }


def _kith(env: dict, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "kith.cli", *args], env=env, cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"kith {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def measure(services: int, seed: int = 2026) -> dict:
    """Import `services` services while a writer records checks; the writer's waits, and the import's time."""
    import import_bench

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        env = kith_env(folder)
        for args in (["migrate"], ["load-geography", "--quiet"], ["demo-data", "--services", "200", "--quiet"]):
            _kith(env, *args)
        server = serve_feed(import_bench.feed(seed, services))
        env["KITH_IMPORT_ALLOWED_HOSTS"] = f"127.0.0.1:{server.server_port}"  # loopback, allowed for this run
        feed = f"http://127.0.0.1:{server.server_port}/services"
        writer = subprocess.Popen(
            [sys.executable, str(Path(__file__)), "--write-checks"],
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout.readline().strip() == "ready", "the writer did not start"
        time.sleep(1)  # a few writes with nothing else happening, to compare with
        t0 = time.perf_counter()
        imported = _kith(env, "import", "oruk", feed, "--name", "Large feed", "--quiet")
        import_s = time.perf_counter() - t0
        server.shutdown()
        time.sleep(0.5)
        writer.terminate()
        printed, _ = writer.communicate(timeout=30)
    waits = sorted(float(line.split()[1]) for line in printed.splitlines() if line.startswith("waited"))
    return {
        "services": services,
        "import_s": import_s,
        "imported": imported.stdout.strip().splitlines()[-1],
        "writes": len(waits),
        "max_ms": waits[-1],
        "p99_ms": waits[min(len(waits) - 1, int(len(waits) * 0.99))],
        "median_ms": waits[len(waits) // 2],
        "slowest_ms": waits[-5:],
    }


def write_checks() -> None:
    """The member of staff: record a check of a random listing every 0.1 s and say how long each took."""
    import datetime as dt
    import random

    import django

    django.setup()
    from kith.directory import services
    from kith.directory.models import Service, ServiceStatus

    ids = list(Service.objects.filter(status=ServiceStatus.ACTIVE).values_list("id", flat=True)[:500])
    rng = random.Random(2026)
    print("ready", flush=True)
    while True:
        time.sleep(WRITE_EVERY_S)
        t0 = time.perf_counter()
        service = Service.objects.get(pk=rng.choice(ids))
        services.record_check(service=service, checked_at=dt.datetime.now(dt.UTC), method="phoned", role="link worker")
        print(f"waited {(time.perf_counter() - t0) * 1000:.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=60_000)
    parser.add_argument("--write-checks", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write_checks:
        write_checks()
        return
    print(json.dumps(measure(args.services), indent=2))


if __name__ == "__main__":
    main()
