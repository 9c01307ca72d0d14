"""Judge Kith's search on everyday queries by the method of shared/eval/search_eval.py, over any way of asking
the ORUK API: in process through Django's test client (`make bench`) or over HTTP against a running Kith.

A result is relevant when one of its "what matters" codes equals one the query names or sits under it; a
query counts only where something relevant is within its radius (asked through the taxonomy filter).

    python benchmarks/relevance.py http://127.0.0.1:8000 benchmarks/search-queries.csv
"""

import csv
import json
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
SETS = {"shipped": HERE / "search-queries.csv", "own": HERE / "search-queries-own.csv"}
Get = Callable[[str, dict], dict]


def over_http(base: str) -> Get:
    def get(path: str, params: dict) -> dict:
        url = f"{base.rstrip('/')}/api/oruk{path}?{urllib.parse.urlencode(params)}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.load(response)

    return get


def taxonomy_codes(get: Get) -> dict[str, list[str]]:
    ids, page = {}, 1
    while True:
        data = get("/taxonomy_terms", {"page": page, "per_page": 100})
        for term in data["contents"]:
            if term.get("code"):
                ids[term["code"]] = term["id"]
        if data.get("last_page", True) or not data["contents"]:
            break
        page += 1
    return {code: [i for c, i in ids.items() if c == code or c.startswith(code + "/")] for code in ids}


def _relevant(service: dict, wanted: list[str]) -> bool:
    codes = {(a.get("taxonomy_term") or {}).get("code", "") for a in service.get("attributes", [])}
    return any(c == w or c.startswith(w + "/") for c in codes for w in wanted)


def judge(get: Get, queries: Path, *, echo=None) -> dict:
    """success@5, precision@5, the share that found nothing, and each judged request's time in ms."""
    terms = taxonomy_codes(get)
    with queries.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    judged = successes = empty = 0
    precision, ms = 0.0, []
    for r in rows:
        wanted = [w for w in r["relevant"].split(";") if w]
        near = {"postcode": r["postcode"], "proximity": int(r["radius_m"])}
        if not any(
            get("/services", {"taxonomy_term_id": t, **near, "per_page": 1}).get("total_items", 0)
            for code in wanted
            for t in terms.get(code, [])
        ):
            continue
        started = time.perf_counter()
        data = get("/services", {"search": r["query"], **near, "per_page": 10})
        ms.append((time.perf_counter() - started) * 1000)
        top = data.get("contents", [])[:5]
        hits = [_relevant(s, wanted) for s in top]
        judged += 1
        empty += not top
        successes += any(hits)
        precision += sum(hits) / len(top) if top else 0.0
        if echo:
            echo(f"{'ok  ' if any(hits) else 'MISS'} {r['query']!r} near {r['postcode']}: {sum(hits)}/{len(top)}")
    return {
        "queries": len(rows),
        "judged": judged,
        "success": successes / judged if judged else 0.0,
        "precision": precision / judged if judged else 0.0,
        "found_nothing": empty / judged if judged else 0.0,
        "ms": ms,
    }


if __name__ == "__main__":
    base, path = sys.argv[1], Path(sys.argv[2])
    result = judge(over_http(base), path, echo=print)
    print(
        f"judged {result['judged']} of {result['queries']}; success@5 {result['success']:.2f}; precision@5 "
        f"{result['precision']:.2f}; found nothing {result['found_nothing']:.2f}"
    )
