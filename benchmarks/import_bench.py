"""Import benchmark: a 10,000-service ORUK 3.0 file, imported, then imported again unchanged.

Run by search_bench.py (`make bench`); the API timing reuses the 100,000-service directory.
"""

import json
import random
import tempfile
import time
from pathlib import Path

SERVICES = 10_000
API_RUNS = 200


def feed(seed: int, services: int = SERVICES) -> dict:
    rng = random.Random(seed)
    contents = []
    for i in range(services):
        org = i % 800
        lat, lon = 53.35 + rng.random() * 0.3, -2.6 + rng.random() * 0.6
        contents.append(
            {
                "id": f"00000000-0000-4000-8000-{i:012d}",
                "name": f"Imported activity {i}",
                "status": "active",
                "description": f"<p>An activity with <b>markup</b>, number {i}.</p>",
                "url": "https://example.org/",
                "email": "info@example.org",
                "organization": {
                    "id": f"00000000-0000-4000-9000-{org:012d}",
                    "name": f"Imported organisation {org}",
                    "description": "An organisation",
                    "website": f"https://org{org}.example.org/",
                },
                "service_at_locations": [
                    {
                        "id": f"sal-{i}",
                        "location": {
                            "id": f"00000000-0000-4000-a000-{i // 3:012d}",
                            "location_type": "physical",
                            "name": f"Venue {i // 3}",
                            "latitude": lat,
                            "longitude": lon,
                            "addresses": [
                                {"address_1": f"{i} High Street", "city": "Manchester", "postal_code": "M1 1AA"}
                            ],
                        },
                    }
                ],
                "schedules": [
                    {
                        "freq": "WEEKLY",
                        "byday": rng.choice(["MO", "TU", "WE", "TH", "FR"]),
                        "opens_at": "10:00:00",
                        "closes_at": "12:00:00",
                    }
                ],
                "cost_options": [{"amount": rng.choice([0, 2, 3.5])}],
                "attributes": [{"taxonomy_term": {"code": rng.choice(["active/walking", "social", "arts/crafts"])}}],
            }
        )
    return {
        "total_items": services,
        "total_pages": 1,
        "page_number": 1,
        "size": services,
        "first_page": True,
        "last_page": True,
        "empty": False,
        "contents": contents,
    }


def measure(seed: int) -> dict:
    from django.test import Client

    from kith.directory.models import Service
    from kith.feeds.importers.run import run_source
    from kith.feeds.models import Source

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "feed.json"
        path.write_text(json.dumps(feed(seed)))
        Service.objects.filter(source__startswith="oruk:").delete()
        Source.objects.filter(kind="oruk").delete()
        source = Source.objects.create(kind="oruk", location=str(path), name="Benchmark feed")
        t0 = time.perf_counter()
        first = run_source(source)
        first_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        second = run_source(source)
        second_s = time.perf_counter() - t0
    assert first.status == "done" and second.counts["unchanged"] == SERVICES, (first.error, second.counts)
    Service.objects.filter(source=source.key).delete()  # leave the search directory as it was

    client = Client(HTTP_HOST="localhost")
    client.get("/api/oruk/services?per_page=50")
    timings = []
    rng = random.Random(seed)
    for _ in range(API_RUNS):
        page = rng.randint(1, 2000)
        t0 = time.perf_counter()
        response = client.get(f"/api/oruk/services?per_page=50&page={page}")
        timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    return {"first_s": first_s, "second_s": second_s, "created": first.counts["created"], "api_ms": timings}
