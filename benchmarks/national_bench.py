"""National benchmark: all of England loaded from the national bundle, postcode look-up among 2.26 million
postcodes, and the gap method for the North West end to end from the database.

    make bench-national                        # SQLite databases of their own in var/bench
    make bench-national BENCH_ARGS=--record    # also append the figures to docs/benchmarks.md

Each stage runs in a process of its own, so that a load's peak memory is its own. Peers measured in the same
run: reading the postcode file with the csv module alone (the floor of any load), and a bare primary-key
SELECT of the same postcodes (the floor of any look-up).
"""

import argparse
import csv
import datetime as dt
import gzip
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUNDLE = REPO.parent / "shared" / "reference" / "national"
NORTH_WEST = "E12000002"
LOOKUPS = 5_000


def _database(name: str) -> str:
    folder = Path(os.environ.get("KITH_VAR_DIR", REPO / "var")) / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / name}"


def _run_stage(stage: str, database: str, *extra: str) -> dict:
    """Run one stage in a fresh process on its own database; its last line of output is JSON."""
    env = {**os.environ, "DATABASE_URL": database, "DJANGO_SETTINGS_MODULE": "kith.config.settings"}
    done = subprocess.run(
        [sys.executable, __file__, "--stage", stage, *extra], env=env, check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _fresh(database: str) -> None:
    path = Path(database.removeprefix("sqlite:///"))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _timed_load(database: str, bundle: Path, area: str) -> dict:
    """Migrate an empty database, then time `kith load-geography --area` in a child process of its own."""
    _fresh(database)
    env = {**os.environ, "DATABASE_URL": database, "DJANGO_SETTINGS_MODULE": "kith.config.settings"}
    subprocess.run([sys.executable, str(REPO / "manage.py"), "migrate", "-v", "0"], env=env, check=True)
    kith = str(Path(sys.executable).parent / "kith")
    started = time.perf_counter()
    said_path = Path(database.removeprefix("sqlite:///")).with_suffix(".said")
    with said_path.open("w") as said_file:  # a file, not a pipe: nobody reads a pipe while wait4 waits
        child = subprocess.Popen(
            [kith, "load-geography", "--area", area, "--from", str(bundle), "--quiet"], env=env, stdout=said_file
        )
        _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    said = said_path.read_text()
    if status != 0:
        raise SystemExit(f"load-geography --area {area} failed: {said}")
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "said": said.strip()}


def _read_postcodes_alone(bundle: Path) -> float:
    started = time.perf_counter()
    with gzip.open(bundle / "postcodes_england_lsoa21.csv.gz", "rt", newline="") as handle:
        for _ in csv.DictReader(handle):
            pass
    return time.perf_counter() - started


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def stage_lookups() -> dict:
    """Postcode look-ups in process, through the search page, and the bare SELECT beside them."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from kith.geo.lookup import find_place
    from kith.geo.models import Postcode

    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    inside = list(Postcode.objects.filter(lsoa__isnull=False).values_list("postcode", flat=True))
    sample = random.Random(17).sample(inside, LOOKUPS)
    for code in sample[:50]:
        find_place(code)
    place_ms = []
    for code in sample:
        t0 = time.perf_counter()
        find_place(code)
        place_ms.append((time.perf_counter() - t0) * 1000)
    bare_ms = []
    with connection.cursor() as cursor:
        for code in sample:
            t0 = time.perf_counter()
            cursor.execute("SELECT lat, lon, lsoa_id, ward_id FROM geo_postcode WHERE postcode = %s", [code])
            cursor.fetchone()
            bare_ms.append((time.perf_counter() - t0) * 1000)
    client = Client(HTTP_HOST="127.0.0.1")
    page_sample = sample[:1000]
    for code in page_sample[:20]:
        client.get("/search/", {"near": code})
    # The first request near a ward draws its outline, kept per process after: a cold pass, then a warm one.
    cold_ms, page_ms, plain_ms = [], [], []
    for timings in (cold_ms, page_ms):
        for code in page_sample:
            t0 = time.perf_counter()
            response = client.get("/search/", {"near": code})
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (code, response.content.decode()[-3000:])
    for _ in page_sample:
        t0 = time.perf_counter()
        client.get("/search/", {"q": "walking"})
        plain_ms.append((time.perf_counter() - t0) * 1000)
    http_ms = _over_http(page_sample)
    return {
        "http_p50": _percentile(http_ms, 50),
        "http_p95": _percentile(http_ms, 95),
        "postcodes": Postcode.objects.count(),
        "inside": len(inside),
        "place_p50": _percentile(place_ms, 50),
        "place_p95": _percentile(place_ms, 95),
        "bare_p95": _percentile(bare_ms, 95),
        "cold_p95": _percentile(cold_ms, 95),
        "page_p50": _percentile(page_ms, 50),
        "page_p95": _percentile(page_ms, 95),
        "plain_p95": _percentile(plain_ms, 95),
        "pages": len(page_sample),
    }


def _over_http(postcodes: list[str]) -> list[float]:
    """The search page near each postcode from `kith serve` (two workers, no page cache), one request at a
    time, after a first pass that draws each ward's outline once."""
    import httpx
    from http_bench import free_port, start_kith

    port = free_port()
    server = start_kith(port, page_cache=False)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            for code in postcodes:
                client.get("/search/", params={"near": code})
            timings = []
            for code in postcodes:
                t0 = time.perf_counter()
                response = client.get("/search/", params={"near": code})
                timings.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, (code, response.status_code)
        return timings
    finally:
        server.terminate()
        server.wait()


def stage_gaps(region: str) -> dict:
    """The whole gap report and the region's ward rows, from a cold process reading the database."""
    import django

    django.setup()
    from kith.geo.models import Area, AreaLevel
    from kith.insights import engine

    t0 = time.perf_counter()
    report = engine.report()
    report_seconds = time.perf_counter() - t0
    rows = engine.rows(report)
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "report_seconds": report_seconds,
        "lsoas": len(report.areas),
        "wards": Area.objects.filter(level=AreaLevel.WARD).count(),
        "rows": len(rows),
        "categories": len(report.results),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="append the figures to docs/benchmarks.md")
    parser.add_argument("--bundle", type=Path, default=Path(os.environ.get("KITH_GEOGRAPHY_DIR") or BUNDLE))
    parser.add_argument("--stage", choices=["lookups", "gaps"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    if args.stage:
        sys.path.insert(0, str(REPO / "benchmarks"))
        result = stage_lookups() if args.stage == "lookups" else stage_gaps(NORTH_WEST)
        print(json.dumps(result))
        return
    if not (args.bundle / "postcodes_england_lsoa21.csv.gz").is_file():
        raise SystemExit(f"No national bundle at {args.bundle}: pass --bundle PATH (docs/data.md).")
    sys.path.insert(0, str(REPO / "benchmarks"))
    from search_bench import machine, report_and_record

    print("reading the postcode file alone…", file=sys.stderr)
    read_alone = _read_postcodes_alone(args.bundle)
    print("loading England…", file=sys.stderr)
    england_db = _database("england.sqlite3")
    england = _timed_load(england_db, args.bundle, "england")
    print("looking up postcodes…", file=sys.stderr)
    lookups = _run_stage("lookups", england_db)
    print("loading the North West…", file=sys.stderr)
    north_west_db = _database("north-west.sqlite3")
    north_west = _timed_load(north_west_db, args.bundle, NORTH_WEST)
    print("the North West's gaps…", file=sys.stderr)
    gaps = _run_stage("gaps", north_west_db)
    lines = [
        f"### {dt.date.today():%Y-%m-%d} · national geography (SQLite)",
        "",
        f"Machine: {machine()}.",
        "",
        f"All of England from the national bundle (`kith load-geography --area england`, a fresh process on an "
        f"empty migrated database): **{england['seconds'] / 60:.1f} min** (target ≤ 10), peak resident memory "
        f"**{england['peak_mb']:,.0f} MB** (target ≤ 3,072). It said: “{england['said']}” Peer: reading the "
        f"same postcode file with the csv module alone, {read_alone:.0f} s; load / read = "
        f"{england['seconds'] / read_alone:.1f}.",
        "",
        f"Postcode look-up with {lookups['postcodes']:,} postcodes ({lookups['inside']:,} in loaded areas), "
        f"{LOOKUPS:,} random postcodes: `find_place` in process p50 {lookups['place_p50']:.2f} ms, "
        f"**p95 {lookups['place_p95']:.2f} ms** (target ≤ 5); the bare primary-key SELECT beside it p95 "
        f"{lookups['bare_p95']:.2f} ms (ratio {lookups['place_p95'] / lookups['bare_p95']:.1f}). Through the "
        f"search page (`/search/?near=POSTCODE`, {lookups['pages']:,} postcodes through Django's test client, "
        f"an empty directory): the first time near each ward (its outline drawn and kept) p95 "
        f"{lookups['cold_p95']:.1f} ms; after, p50 {lookups['page_p50']:.1f} ms, **p95 {lookups['page_p95']:.1f} "
        f"ms**. The same page searching words with no place, p95 {lookups['plain_p95']:.1f} ms. Over HTTP from "
        f"`kith serve` (two workers, page cache off, one request at a time, outlines drawn once before): p50 "
        f"{lookups['http_p50']:.1f} ms, **p95 {lookups['http_p95']:.1f} ms**.",
        "",
        f"The North West ({NORTH_WEST}) loaded alone: {north_west['seconds'] / 60:.1f} min, peak "
        f"{north_west['peak_mb']:,.0f} MB. Its gap method end to end from the database in a cold process "
        f"({gaps['lsoas']:,} LSOAs, {gaps['wards']:,} wards, {gaps['categories']} wants assessed, "
        f"{gaps['rows']:,} ward rows): **{gaps['seconds']:.2f} s** (target ≤ 5), of which the report "
        f"{gaps['report_seconds']:.2f} s; peak {gaps['peak_mb']:,.0f} MB.",
        "",
    ]
    report_and_record("\n".join(lines), args.record)


if __name__ == "__main__":
    main()
