"""Search benchmark: 100,000 services across Greater Manchester, 500 mixed queries, in process.

    make bench                      # SQLite in var/bench
    DATABASE_URL=postgres://... make bench
    make bench BENCH_ARGS=--record  # also append the figures to docs/benchmarks.md

Prints p50/p95/p99 per query and peak memory. Building the directory takes a few minutes the
first time; later runs reuse it.
"""

import argparse
import datetime as dt
import os
import platform
import random
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
TARGET_SERVICES = 100_000
QUERIES = 500
SEED = 100_000
WORDS = [
    "walking",
    "choir",
    "coffee morning",
    "knit",
    "garden",
    "lunch club",
    "football",
    "art club",
    "advice",
    "pantry",
    "dog",
    "digital",
    "english",
    "carers",
    "recovery",
    "tai chi",
    "library",
    "park",
    "singing",
    "men's shed",
    "food bank",
    "swimming",
    "peer support",
    "reading group",
    "job club",
    # Everyday words, which go through the vocabulary of wants rather than listings' own words.
    "lonely",
    "somewhere for a brew",
    "skint",
    "things to do with the kids",
    "get out of the house",
]
CATEGORIES = ["active", "social", "arts", "nature", "food", "learning", "mental-health", "money"]
RADII = [0.5, 1, 2, 3, 5, 10]


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        bench_dir = Path(os.environ.get("KITH_VAR_DIR", REPO / "var")) / "bench"
        bench_dir.mkdir(parents=True, exist_ok=True)
        name = "bench.sqlite3" if TARGET_SERVICES == 100_000 else f"bench-{TARGET_SERVICES}.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{bench_dir / name}"
    elif os.environ["DATABASE_URL"].startswith("postgres"):
        _create_postgres_database(os.environ["DATABASE_URL"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kith.config.settings")
    import django

    django.setup()


def _create_postgres_database(url: str) -> None:
    """Create the benchmark's database on the server if it is not there yet."""
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def build_directory() -> tuple[int, bool]:
    from django.core.management import call_command

    from kith.directory.models import DemoBuild, Service
    from kith.feeds.demo import build_demo_directory
    from kith.feeds.demo.sources import real_assets
    from kith.geo.loader import load_geography
    from kith.geo.models import Postcode

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages render with production storage
    load_geography()
    points = {
        pc: (lon, lat)
        for pc, lon, lat in Postcode.objects.filter(lat__isnull=False).values_list("postcode", "lon", "lat")
    }
    real = sum(1 for _ in real_assets(lambda p: points.get(" ".join(p.upper().split()))))
    generated = TARGET_SERVICES - real
    built = DemoBuild.objects.first()
    fresh = not (built and built.seed == SEED and built.generated == generated)
    if fresh:
        started = time.perf_counter()
        build_demo_directory(
            seed=SEED,
            generated=generated,
            force=True,
            progress=lambda stage, done, total: print(f"\r{stage}: {done:,}/{total:,}   ", end="", file=sys.stderr),
        )
        print(f"\nbuilt in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return Service.objects.count(), fresh


def make_queries(rng: random.Random):
    from kith.directory.search.engine import SearchQuery
    from kith.geo.lookup import Place
    from kith.geo.models import Postcode

    postcodes = list(
        Postcode.objects.filter(lsoa__isnull=False).order_by("postcode").values_list("postcode", "lon", "lat")
    )
    queries = []
    for i in range(QUERIES):
        code, lon, lat = rng.choice(postcodes)
        place = Place(label=code, lon=lon, lat=lat, postcode=code)
        kind = ("words+category+radius", "radius only", "words only")[i % 3]
        if kind == "words+category+radius":
            query = SearchQuery(
                words=rng.choice(WORDS), category=rng.choice(CATEGORIES), place=place, radius_km=rng.choice(RADII)
            )
        elif kind == "radius only":
            query = SearchQuery(place=place, radius_km=rng.choice(RADII))
        else:
            query = SearchQuery(words=rng.choice(WORDS))
        queries.append((kind, query))
    return queries


def percentile(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"
    )


def people_section() -> list[str]:
    import people_bench

    from kith.people.models import Person

    people_bench.build_people(SEED)
    results = people_bench.measure(SEED)
    s, c = results["suggestions"], results["caseload"]
    return [
        f"Workspace with {Person.objects.count():,} people (teams of {people_bench.PER_TEAM}, 1–3 wants and 0–2 "
        f"barriers each) and the same {TARGET_SERVICES:,} services: suggestions for "
        f"{people_bench.SUGGESTION_RUNS} random people (median {statistics.median(results['suggestions_found']):.0f}"
        f" suggestions each), and a link worker's caseload page of {people_bench.PER_TEAM} people rendered "
        f"{people_bench.CASELOAD_RUNS} times through Django's test client "
        f"({max(results['caseload_queries'])} queries, including session, second factor and audit).",
        "",
        "| workspace | p50 ms | p95 ms | p99 ms | max ms | target p95 |",
        "|---|---:|---:|---:|---:|---:|",
        f"| suggestions for a person | {percentile(s, 50):.1f} | {percentile(s, 95):.1f} | {percentile(s, 99):.1f} | "
        f"{max(s):.1f} | 100 |",
        f"| caseload page, 250 people | {percentile(c, 50):.1f} | {percentile(c, 95):.1f} | {percentile(c, 99):.1f} | "
        f"{max(c):.1f} | 150 |",
        "",
    ]


def gaps_section() -> list[str]:
    import gaps_bench

    gm = gaps_bench.greater_manchester()
    e = gaps_bench.england(SEED)
    with_pairs_kith = e["pairs_seconds"] + e["steps_seconds"]
    with_pairs_pysal = e["pairs_seconds"] + e["pysal_seconds"]
    return [
        f"Gap method, Greater Manchester end to end (database reads included; the search index already built): "
        f"{gm['lsoas']:,} LSOAs, {gm['services']:,} services, {gm['wants']:,} wants, {gm['categories']} "
        f"wants assessed (top level and named level), supply {gm['sites']:,} sites from {gm['points']:,} points "
        f"(open-data layers and listings), each tried at 800, 1,600 and 2,400 m and with Gaussian decay, "
        f"{gm['rows']:,} ward rows with placements, labels and completeness ({gm['labelled']:,} below the "
        f"standard): **{gm['seconds']:.2f} s** (target ≤ 2 s), of which the report {gm['report_seconds']:.2f} s.",
        "",
        f"Gap method, England-sized synthetic run in memory ({gaps_bench.ENGLAND_AREAS:,} areas, "
        f"{gaps_bench.ENGLAND_ASSETS:,} assets, {gaps_bench.ENGLAND_WANTS:,} wants, "
        f"{gaps_bench.CATCHMENT_M:,} m catchment, {e['pairs']:,} pairs within it): Kith's 2SFCA, standard, "
        f"shortfall, priority and greedy placement ({e['new_assets']:,} new assets for {e['below']:,} areas below "
        f"the standard), with the standard also tried at 800, 1,600 and 2,400 m and with Gaussian decay, pairs "
        f"found once, in **{e['kith_seconds']:.1f} s** (target ≤ 60 s; {e['one_setting_seconds']:.1f} s at the "
        f"standard's catchment alone), peak resident memory {e['kith_peak_mb']:,.0f} MB after it and "
        f"{e['peak_mb']:,.0f} MB after PySAL (target ≤ 4,096 MB). Step against step on the same {e['pairs']:,} "
        f"pairs (PySAL takes its costs precomputed): Kith's two 2SFCA steps {e['steps_seconds']:.2f} s, PySAL "
        f"`access.two_stage_fca` {e['pysal_seconds']:.2f} s, ratio Kith/PySAL "
        f"{e['steps_seconds'] / e['pysal_seconds']:.2f}. Like for like with the pairs found on both sides (PySAL "
        f"has no pair-finding of its own at this size, so both use the same k-d tree, "
        f"{e['pairs_seconds']:.2f} s): Kith {with_pairs_kith:.2f} s, PySAL {with_pairs_pysal:.2f} s, ratio "
        f"{with_pairs_kith / with_pairs_pysal:.2f}. Largest difference between the two: "
        f"{e['max_difference']:.1e} (per resident).",
        "",
    ]


def import_section() -> list[str]:
    import import_bench

    result = import_bench.measure(SEED)
    first, second, api = result["first_s"], result["second_s"], result["api_ms"]
    return [
        f"Import of a {import_bench.SERVICES:,}-service ORUK 3.0 file (services with an organisation, a place "
        f"and address, a schedule, a cost and a category; full-text and search index updated): "
        f"**{result['created'] / first:,.0f} services/s** ({first:.1f} s; target ≥ 1,000/s); imported again "
        f"unchanged in {second:.1f} s, **{first / second:.1f}× faster** (target ≥ 3×).",
        "",
        f"`/api/oruk/services?per_page=50` on random pages of the {TARGET_SERVICES:,}-service directory, "
        f"{import_bench.API_RUNS} requests through Django's test client: p50 {percentile(api, 50):.1f} ms, "
        f"p95 **{percentile(api, 95):.1f} ms** (target ≤ 100 ms), p99 {percentile(api, 99):.1f} ms.",
        "",
    ]


def import_while_working_section() -> list[str]:
    import import_while_working

    result = import_while_working.measure(60_000)
    return [
        f"A member of staff recording a check every {import_while_working.WRITE_EVERY_S:g} s while "
        f"`kith import` takes a {result['services']:,}-service ORUK file on SQLite ({result['import_s']:.0f} s; "
        f"{result['imported']}): {result['writes']} writes, median {result['median_ms']:.0f} ms, "
        f"p99 {result['p99_ms']:.0f} ms, longest wait **{result['max_ms']:.0f} ms** (target ≤ 1,000 ms).",
        "",
    ]


def relevance_section() -> list[str]:
    """The judged everyday queries through the ORUK API, in process, on this directory."""
    import relevance
    from django.test import Client

    client = Client(HTTP_HOST="localhost")

    def get(path, params):
        return client.get(f"/api/oruk{path}", params).json()

    lines = [
        "Relevance: the judged everyday queries (`benchmarks/search-queries*.csv`) sent to `/api/oruk/services` "
        "through Django's test client, scored by the method of `shared/eval/search_eval.py` (success@5: a relevant "
        "result in the top five; found nothing: share of answerable queries with no result; targets ≥ 0.90, "
        "precision@5 ≥ 0.60, ≤ 0.05; the API's p95 target is 100 ms).",
        "",
        "| judged set | judged | success@5 | precision@5 | found nothing | API p50 ms | API p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, path in relevance.SETS.items():
        r = relevance.judge(get, path)
        lines.append(
            f"| {name} | {r['judged']} of {r['queries']} | {r['success']:.2f} | {r['precision']:.2f} | "
            f"{r['found_nothing']:.2f} | {percentile(r['ms'], 50):.1f} | {percentile(r['ms'], 95):.1f} |"
        )
    return [*lines, ""]


def locality_section() -> list[str]:
    import locality_bench

    result = locality_bench.measure()
    lines = [
        f"Locality pages on the same directory and people, each requested {locality_bench.RUNS} times through "
        f"Django's test client after one warm-up (busiest ward {result['ward']}); no target was set for them, "
        "the search page's p95 of 50 ms is the yardstick.",
        "",
        "| page | p50 ms | p95 ms | max ms | queries |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, page in result["pages"].items():
        ms = page["ms"]
        lines.append(
            f"| {label} | {percentile(ms, 50):.1f} | {percentile(ms, 95):.1f} | {max(ms):.1f} | {page['queries']} |"
        )
    return [*lines, ""]


def interop_section() -> list[str]:
    import interop_bench

    return interop_bench.interop_section()


def http_section(seconds: float) -> list[str]:
    import http_bench

    return http_bench.http_section(seconds=seconds)


def main() -> None:
    global TARGET_SERVICES
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="append the figures to docs/benchmarks.md")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated sections after search to run (relevance, people, gaps, import, import-while-working, "
        "locality, interop, http); "
        "all if empty",
    )
    parser.add_argument(
        "--services", type=int, default=TARGET_SERVICES, help="directory size (a database of its own per size)"
    )
    parser.add_argument("--http-seconds", type=float, default=20, help="length of each HTTP load phase")
    args = parser.parse_args()
    TARGET_SERVICES = args.services
    chosen = set(filter(None, args.only.split(","))) or {
        "relevance",
        "people",
        "gaps",
        "import",
        "import-while-working",
        "locality",
        "interop",
        "http",
    }
    setup_django()
    from django.db import connection

    from kith.directory.search.engine import search
    from kith.directory.search.index import get_index

    services, built_now = build_directory()
    import people_bench

    people_bench.build_people(SEED)
    # After bulk loading, refresh the planner's statistics, as autovacuum (PostgreSQL) would in time.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    started = time.perf_counter()
    index = get_index()
    build_s = time.perf_counter() - started
    index_mb = (
        sum(getattr(index, f).nbytes for f in index.__dataclass_fields__ if hasattr(getattr(index, f), "nbytes")) / 1e6
    )
    rng = random.Random(SEED)
    queries = make_queries(rng)
    for _, query in queries[:20]:
        search(query)  # warm caches
    timings: dict[str, list[float]] = {}
    totals = []
    for kind, query in queries:
        t0 = time.perf_counter()
        result = search(query)
        elapsed = (time.perf_counter() - t0) * 1000
        timings.setdefault(kind, []).append(elapsed)
        totals.append(result.total)
    # Memory in a second pass: tracing slows Python down, so it must not touch the timings.
    tracemalloc.start()
    for _, query in queries:
        search(query)
    _, peak_traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    all_ms = [t for ts in timings.values() for t in ts]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    vendor = connection.vendor
    version = (
        connection.cursor().connection.execute("select sqlite_version()").fetchone()[0]
        if vendor == "sqlite"
        else f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"
    )
    lines = [
        f"### {dt.date.today():%Y-%m-%d} · {vendor} {version}",
        "",
        f"Machine: {machine()}.",
        f"Directory: {services:,} services; {QUERIES} queries "
        f"({', '.join(f'{len(v)} {k}' for k, v in timings.items())}), seed {SEED}; "
        f"median {statistics.median(totals):,.0f} results per query.",
        f"Search index build: {build_s:.2f} s once per directory change, {index_mb:.1f} MB of arrays.",
        "",
        "| queries | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind, values in [("all", all_ms), *timings.items()]:
        lines.append(
            f"| {kind} | {percentile(values, 50):.1f} | {percentile(values, 95):.1f} | "
            f"{percentile(values, 99):.1f} | {max(values):.1f} |"
        )
    during = "building the directory in this run" if built_now else "loading the geography and the index"
    lines += [
        "",
        f"Peak memory: {rss_mb:,.0f} MB resident for the whole process ({during}); "
        f"{peak_traced / 1e6:.1f} MB traced by Python during the query loop.",
        "",
    ]
    for name, section in [
        ("relevance", relevance_section),
        ("people", people_section),
        ("gaps", gaps_section),
        ("import", import_section),
        ("import-while-working", import_while_working_section),
        ("locality", locality_section),
        ("interop", interop_section),
        ("http", lambda: http_section(args.http_seconds)),
    ]:
        if name in chosen:
            lines += section()
    report_and_record("\n".join(lines), args.record)


def report_and_record(report: str, record: bool) -> None:
    """Print the figures and, with --record, append them to docs/benchmarks.md."""
    print(report)
    if record:
        with (REPO / "docs" / "benchmarks.md").open("a", encoding="utf-8") as handle:
            handle.write("\n" + report)
        print("recorded in docs/benchmarks.md")


if __name__ == "__main__":
    main()
