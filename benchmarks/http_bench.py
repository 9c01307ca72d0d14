"""Search over HTTP under load: Kith's search page beside Datasette's, with and without writes.

    make bench BENCH_ARGS="--only http"                 # part of `make bench`, on its 100,000 services
    python benchmarks/http_bench.py --seconds 5 --repeats 1   # the same, quicker (after `make bench` built it)

Both servers serve the same listings on this machine in the same run: Kith's search page (`kith serve`,
gunicorn, 2 workers) and Datasette's table page with full-text search and the same bounding box
(facet suggestions off), the yardstick of a well-made read-only SQLite server. The load is 1,000 distinct
(words, postcode) pairs: the judged queries' words and Greater Manchester postcodes, 8 connections.
Kith runs twice: as shipped, keeping public pages while what they show is unchanged
(kith.directory.page_cache), and with that cache off, so that what a page costs to make is measured too.
"With writes", a listing is marked checked every 2 s through Kith's own service (as a link worker's
"checked" does), or a row updated in Datasette's database. Each figure is the median of the repeats.
"""

import argparse
import csv
import http.client
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
DATASETTE = "datasette==0.65.5"
CONNECTIONS = 8
PAIRS = 1000
RADIUS_KM = 3
WRITE_EVERY_S = 2.0
SEED = 14
KITH = "Kith"
KITH_BARE = "Kith, no page cache"
DATASETTE_NAME = "Datasette"


def bench_dir() -> Path:
    path = Path(os.environ.get("KITH_VAR_DIR", REPO / "var")) / "bench"
    path.mkdir(parents=True, exist_ok=True)
    return path


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_pairs(n: int = PAIRS, seed: int = SEED) -> list[tuple[str, str, float, float]]:
    """(words, postcode, lon, lat): the judged queries' words at Greater Manchester postcodes, all distinct."""
    from kith.geo.models import Postcode

    words = []
    for path in (REPO / "benchmarks" / "search-queries.csv", REPO / "benchmarks" / "search-queries-own.csv"):
        with path.open(encoding="utf-8") as handle:
            words += [row["query"] for row in csv.DictReader(handle)]
    words = sorted(set(words))
    rng = random.Random(seed)
    postcodes = list(
        Postcode.objects.filter(lat__isnull=False, local_authority__isnull=False).values_list("postcode", "lon", "lat")
    )
    pairs: set[tuple] = set()
    while len(pairs) < n:
        postcode, lon, lat = rng.choice(postcodes)
        pairs.add((rng.choice(words), postcode, lon, lat))
    return sorted(pairs)


def bounding_box(lon: float, lat: float, km: float) -> tuple[float, float, float, float]:
    import math

    dlat = math.degrees(km / 6371.0088)
    dlon = dlat / math.cos(math.radians(lat))
    return lon - dlon, lon + dlon, lat - dlat, lat + dlat


def kith_paths(pairs) -> list[str]:
    return [
        "/search/?" + urllib.parse.urlencode({"q": words, "near": postcode, "radius": RADIUS_KM})
        for words, postcode, _, _ in pairs
    ]


def datasette_paths(pairs) -> list[str]:
    paths = []
    for words, _, lon, lat in pairs:
        west, east, south, north = bounding_box(lon, lat, RADIUS_KM)
        query = {
            "_search": words,
            "longitude__gte": f"{west:.5f}",
            "longitude__lte": f"{east:.5f}",
            "latitude__gte": f"{south:.5f}",
            "latitude__lte": f"{north:.5f}",
            "_size": 20,
        }
        paths.append("/listings/listings?" + urllib.parse.urlencode(query))
    return paths


def datasette_database() -> Path:
    """The benchmark directory's listings as Datasette would serve them: a table with full-text search."""
    from kith.directory.models import ServiceAtLocation, ServiceStatus

    path = bench_dir() / "listings.db"
    rows = list(
        ServiceAtLocation.objects.filter(service__status=ServiceStatus.ACTIVE, location__latitude__isnull=False)
        .order_by("id")
        .values_list("id", "service__name", "service__description", "location__longitude", "location__latitude")
    )
    if path.exists():
        with sqlite3.connect(path) as db:
            if db.execute("select count(*) from listings").fetchone()[0] == len(rows):
                return path
        path.unlink()
    with sqlite3.connect(path) as db:
        db.executescript(
            """
            create table listings (id integer primary key, name text, description text,
                                   longitude real, latitude real, checked_at text);
            create index listings_lon on listings(longitude);
            create index listings_lat on listings(latitude);
            create virtual table listings_fts using fts5(name, description, content="listings", content_rowid=id);
            """
        )
        db.executemany("insert into listings values (?, ?, ?, ?, ?, null)", rows)
        db.execute("insert into listings_fts(rowid, name, description) select id, name, description from listings")
        db.execute("pragma journal_mode=wal")
    return path


def datasette_binary() -> Path:
    venv = bench_dir() / "datasette-venv"
    binary = venv / "bin" / "datasette"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", DATASETTE], check=True)
    return binary


def wait_for(url: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[0]} stopped; see {process.log_path}") from None
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def kith_env(port: int) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kith.config.settings",
        "KITH_BASE_URL": f"http://127.0.0.1:{port}",
        "KITH_SECURE_COOKIES": "0",
        "KITH_SECRET_KEY": os.environ.get("KITH_SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijkl"),
    }


def _log(name: str):
    """A server's log file: a pipe nobody reads would fill up and stop the server mid-run."""
    path = bench_dir() / f"{name}.log"
    return path, path.open("wb")


def start_kith(port: int, *, page_cache: bool = True) -> subprocess.Popen:
    path, log = _log("kith-serve" if page_cache else "kith-serve-uncached")
    server = subprocess.Popen(
        [sys.executable, "-m", "kith.cli", "serve", "--port", str(port), "--workers", "2"],
        env={**kith_env(port), **({} if page_cache else {"KITH_PAGE_CACHE_SECONDS": "0"})},
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    server.log_path = path
    wait_for(f"http://127.0.0.1:{port}/healthz", server)
    return server


def start_datasette(port: int, database: Path) -> subprocess.Popen:
    path, log = _log("datasette")
    server = subprocess.Popen(
        [
            *(str(datasette_binary()), "serve", str(database), "--port", str(port)),
            *("--setting", "suggest_facets", "off", "--setting", "default_page_size", "20"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    server.log_path = path
    wait_for(f"http://127.0.0.1:{port}/", server)
    return server


def run_load(port: int, paths: list[str], seconds: float, connections: int = CONNECTIONS) -> dict:
    """Send the paths, shuffled, over `connections` connections for `seconds`; latencies and answers."""
    order = paths[:]
    random.Random(SEED).shuffle(order)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    cached = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    counter = iter(range(10**9))

    def worker():
        nonlocal cached
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, status_seen, hits = [], {}, 0
        while time.monotonic() < deadline:
            path = order[next(counter) % len(order)]
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                status = response.status
                hits += response.getheader("X-Kith-Cache", "") == "hit"
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 0
            mine.append(time.perf_counter() - started)
            status_seen[status] = status_seen.get(status, 0) + 1
        with lock:
            latencies.extend(mine)
            for status, count in status_seen.items():
                statuses[status] = statuses.get(status, 0) + count
            cached += hits

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1000

    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "errors": sum(c for s, c in statuses.items() if s != 200),
        "cached": cached,
    }


def workers_of(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in children.read_text().split()] if children.exists() else []


def pss_mb(pid: int) -> float:
    """Proportional set size: each shared page divided among the processes that map it."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def builder_peak_mb() -> float:
    """The peak resident memory of a `kith build-index` run, as a worker starts one, in a process of its own."""
    # A fresh parent whose only child is the builder, so that no server this run started counts.
    measure = (
        "import resource, subprocess, sys;"
        "done = subprocess.run([sys.executable, '-m', 'kith.cli', 'build-index', '--quiet'], capture_output=True);"
        "sys.exit(done.stderr.decode()[-2000:]) if done.returncode else "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    shutil.rmtree(bench_dir() / "builder-peak", ignore_errors=True)  # so that it builds, not finds, the index
    done = subprocess.run(
        [sys.executable, "-c", measure],
        env={**kith_env(0), "KITH_VAR_DIR": str(bench_dir() / "builder-peak")},
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return int(done.stdout.split()[-1]) / 1024


class KithWriter:
    """A link worker marking a listing checked every 2 s, through Kith's own service, in its own process."""

    def __init__(self, port: int):
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__)), "--write-checks", str(WRITE_EVERY_S)],
            env=kith_env(port),
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "ready", "the writer did not start"

    def stop(self) -> int:
        self.process.terminate()
        out, _ = self.process.communicate(timeout=30)
        return out.count("checked")


class DatasetteWriter:
    def __init__(self, database: Path):
        self.stopping = threading.Event()
        self.writes = 0
        self.thread = threading.Thread(target=self.run, args=(database,))
        self.thread.start()

    def run(self, database):
        db = sqlite3.connect(database, timeout=20)
        rng = random.Random(SEED)
        top = db.execute("select max(id) from listings").fetchone()[0]
        while not self.stopping.wait(WRITE_EVERY_S):
            with db:
                db.execute(
                    "update listings set checked_at = datetime('now')"
                    " where id = (select id from listings where id >= ? limit 1)",
                    [rng.randint(1, top)],
                )
            self.writes += 1
        db.close()

    def stop(self) -> int:
        self.stopping.set()
        self.thread.join()
        return self.writes


def write_checks(every: float) -> None:
    """The writer process: record a check of a random active listing every `every` seconds until stopped."""
    import datetime as dt

    import django

    django.setup()
    from kith.directory import services
    from kith.directory.models import Service, ServiceStatus

    ids = list(Service.objects.filter(status=ServiceStatus.ACTIVE).values_list("id", flat=True))
    rng = random.Random(SEED)
    print("ready", flush=True)
    while True:
        time.sleep(every)
        service = Service.objects.get(pk=rng.choice(ids))
        services.record_check(service=service, checked_at=dt.datetime.now(dt.UTC), method="phoned", role="link worker")
        print("checked", flush=True)


def measure(seconds: float, repeats: int, echo=print) -> dict:
    """Every phase, `repeats` times, interleaved so that the machine's noise falls on all alike."""
    from django.core.cache import caches

    pairs = load_pairs()
    database = datasette_database()
    caches["pages"].clear()  # every run starts with no page kept, the servers share this cache's files
    kith_port, bare_port, datasette_port = free_port(), free_port(), free_port()
    kith = start_kith(kith_port)
    bare = start_kith(bare_port, page_cache=False)  # every page made afresh: what a page costs to make
    datasette = start_datasette(datasette_port, database)
    results: dict[tuple[str, bool], list[dict]] = {}
    writes: dict[tuple[str, bool], int] = {}
    try:
        k_paths, d_paths = kith_paths(pairs), datasette_paths(pairs)
        run_load(kith_port, k_paths[:40], 10)  # warm: each worker maps its index once at start
        run_load(bare_port, k_paths[:40], 10)
        run_load(datasette_port, d_paths[:40], 5)
        memory = {"warm": [pss_mb(w) for w in workers_of(kith.pid)]}
        servers = (
            (KITH, kith_port, k_paths),
            (KITH_BARE, bare_port, k_paths),
            (DATASETTE_NAME, datasette_port, d_paths),
        )
        for repeat in range(repeats):
            for name, port, paths in servers:
                for writing in (False, True):
                    writer = None
                    if writing:
                        writer = KithWriter(kith_port) if name != DATASETTE_NAME else DatasetteWriter(database)
                    result = run_load(port, paths, seconds)
                    if writer:
                        writes[(name, writing)] = writes.get((name, writing), 0) + writer.stop()
                    results.setdefault((name, writing), []).append(result)
                    if name == KITH:
                        memory[f"after {'writes' if writing else 'reads'}"] = [pss_mb(w) for w in workers_of(kith.pid)]
                    echo(
                        f"  {name}{' with writes' if writing else ''} #{repeat + 1}: {result['rps']:.1f} req/s, "
                        f"p95 {result['p95']:.0f} ms, p99 {result['p99']:.0f} ms, {result['errors']} errors, "
                        f"{result['cached']} from a cache"
                    )
    finally:
        for server in (kith, bare, datasette):
            server.terminate()
            server.wait(timeout=30)
    summary = {}
    for key, runs in results.items():
        middle = sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]
        summary[key] = {**middle, "writes": writes.get(key, 0), "runs": len(runs)}
    summary["memory"] = memory
    return summary


def report(summary: dict, seconds: float, repeats: int, services: int) -> list[str]:
    memory = summary.pop("memory")
    kith, kith_w = summary[(KITH, False)], summary[(KITH, True)]
    bare, bare_w = summary[(KITH_BARE, False)], summary[(KITH_BARE, True)]
    data, data_w = summary[(DATASETTE_NAME, False)], summary[(DATASETTE_NAME, True)]
    lines = [
        "#### Search over HTTP, beside Datasette",
        "",
        f"{services:,} services; {PAIRS:,} distinct (words, postcode) pairs within {RADIUS_KM} km, {CONNECTIONS} "
        f"connections, {seconds:.0f} s per phase, median of {repeats} (by req/s); `kith serve` with 2 workers; "
        f"{DATASETTE} with facet suggestions off; writes: one listing check every {WRITE_EVERY_S:.0f} s.",
        "",
        "| server | writes | req/s | p50 ms | p95 ms | p99 ms | not 200 | answered from a cache |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for (name, writing), r in summary.items():
        wrote = f"{r['writes']} in the runs" if writing else "none"
        lines.append(
            f"| {name} | {wrote} | {r['rps']:.1f} | {r['p50']:.0f} | "
            f"{r['p95']:.0f} | {r['p99']:.0f} | {r['errors']} | {r['cached']} of {r['requests']} |"
        )
    lines += [
        "",
        f"Kith ÷ Datasette, req/s: {kith['rps'] / data['rps']:.2f} without writes (target ≥ 1.5), "
        f"{kith_w['rps'] / data_w['rps']:.2f} with; with no page cache {bare['rps'] / data['rps']:.2f} and "
        f"{bare_w['rps'] / data_w['rps']:.2f}. Kith with writes ÷ without: req/s "
        f"{kith_w['rps'] / kith['rps']:.2f} (target ≥ 0.9), p99 {kith_w['p99'] / kith['p99']:.2f} (target ≤ 2); "
        f"with no page cache {bare_w['rps'] / bare['rps']:.2f} and {bare_w['p99'] / bare['p99']:.2f}.",
        "",
        "Memory of each `kith serve` worker, PSS (shared pages divided among the processes sharing them): "
        + "; ".join(f"{when} {', '.join(f'{mb:.0f}' for mb in sizes)} MB" for when, sizes in memory.items())
        + f". A `kith build-index` run, which builds the index the workers map, peaks at {builder_peak_mb():.0f} MB "
        "resident in its own process.",
        "",
    ]
    return lines


def http_section(seconds: float = 20, repeats: int = 3) -> list[str]:
    from kith.directory.models import Service

    summary = measure(seconds, repeats, echo=lambda line: print(line, file=sys.stderr))
    return report(summary, seconds, repeats, Service.objects.count())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write-checks", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write_checks:
        write_checks(args.write_checks)
        return
    from search_bench import setup_django

    setup_django()
    print("\n".join(http_section(args.seconds, args.repeats)))


if __name__ == "__main__":
    main()
