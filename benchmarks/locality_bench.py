"""Locality pages on the benchmark directory: what's on, the newsletter, freshness, the review queue,
measures and the pool board, each through Django's test client with its query count.

Run by search_bench.py (`make bench`) after the people and gap sections, so the gap report is warm.
"""

import time

import numpy as np

RUNS = 30


def busiest_ward() -> str:
    from kith.directory.search.index import get_index

    index = get_index()
    placed = index.ward[index.ward >= 0]
    return index.area_codes[int(np.bincount(placed).argmax())]


def measure() -> dict:
    import people_bench
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    ward = busiest_ward()
    staff = people_bench.signed_in_client("bench-worker-0")
    public = Client(HTTP_HOST="localhost")
    pages = [
        ("what's on in the busiest ward, 7 days", public, f"/whats-on/?area={ward}"),
        ("printable newsletter, same ward", public, f"/whats-on/newsletter/?area={ward}"),
        ("freshness dashboard, Manchester's 32 wards", public, "/listings/freshness/?la=E08000003"),
        ("measures, Manchester and Greater Manchester", public, "/insight/measures/?la=E08000003"),
        ("review queue, busiest ward", staff, f"/listings/review/?ward={ward}"),
        ("interest pools, busiest ward", staff, f"/pools/?ward={ward}"),
    ]
    results = {}
    for label, client, path in pages:
        client.get(path)  # warm: the first request builds what later ones reuse
        timings, queries = [], []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as captured:
                t0 = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (path, response.status_code)
            queries.append(len(captured))
        results[label] = {"ms": timings, "queries": max(queries)}
    return {"ward": ward, "pages": results}
