"""Two `kith serve` instances on one database: writes on one reach search on both, and never stall it.

The reduced form of `make bench`'s HTTP benchmark (benchmarks/http_bench.py): the same load generator
and writer, a few seconds instead of minutes, a small directory instead of 100,000 services.
"""

import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.live import free_port, kith_serving

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    setup = [
        ["migrate"],
        ["load-geography", "--quiet"],
        ["demo-data", "--seed", "2026", "--services", "300", "--quiet"],
        ["collectstatic"],
    ]
    env = {"KITH_SECURE_COOKIES": "0", "KITH_SECRET_KEY": "two-servers-secret-key-0123456789-abcdefghij"}
    var = tmp_path_factory.mktemp("kith-two")
    with kith_serving(var, env=env, setup=setup) as first:
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
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                pytest.fail(f"the second server never became ready: {(var / 'second.log').read_text()[-3000:]}")
            yield first, f"http://127.0.0.1:{port}", port
        finally:
            second.terminate()
            second.wait(timeout=10)
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
