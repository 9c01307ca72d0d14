"""Interoperability benchmark: BaRS referral messages taken in process and over HTTP, responses sent to a GP
system stand-in, and the PRSB period export, with the 200,000 people of people_bench in the database.

Peers measured in the same run: parsing the same message with fhir.resources alone (the floor any FHIR
endpoint pays), and one COUNT over the same people for the export.
"""

import datetime as dt
import json
import os
import statistics
import threading
import time
import uuid

MESSAGES = 300
HTTP_MESSAGES = 400
ACCEPTED = 100


def _ms(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def _setup():
    from kith.accounts.models import Team
    from kith.geo.models import Area
    from kith.interop.models import ConnectedSystem, ReferringOrganisation
    from kith.interop.services import issue_key
    from kith.interop.stand_in import DEMO_PRACTICE, StandIn

    team, _ = Team.objects.get_or_create(name="Bench team 0")
    team.wards.add(Area.objects.get(code="E05011366"))  # Harpurhey, where M9 4DH is
    system, _ = ConnectedSystem.objects.get_or_create(
        name="Bench GP system", defaults={"key_prefix": "bench-new", "key_hash": "-"}
    )
    stand_in = StandIn().start()
    ReferringOrganisation.objects.update_or_create(
        system=system, ods_code=DEMO_PRACTICE, defaults={"endpoint": stand_in.endpoint}
    )
    return system, issue_key(system), stand_in


def _message() -> bytes:
    from kith.interop.stand_in import referral_message

    return json.dumps(referral_message(request_id=str(uuid.uuid4()))).encode()


def _post_all(url: str, key: str, bodies: list[bytes], threads: int) -> tuple[list[float], dict, float]:
    import httpx

    latencies, statuses, lock = [], {}, threading.Lock()
    queue = list(bodies)

    def worker():
        with httpx.Client(timeout=30) as client:
            while True:
                with lock:
                    if not queue:
                        return
                    body = queue.pop()
                started = time.perf_counter()
                answer = client.post(
                    url,
                    content=body,
                    headers={"Authorization": f"Bearer {key}", "Content-Type": "application/fhir+json"},
                )
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
                    statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1

    started = time.perf_counter()
    running = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    return latencies, statuses, time.perf_counter() - started


def interop_section() -> list[str]:
    from django.contrib.auth import get_user_model
    from django.db.models import Q
    from django.utils import timezone
    from fhir.resources.R4B.bundle import Bundle

    from kith.interop import outbox
    from kith.interop.services import receive
    from kith.people import services as people
    from kith.people import sharing
    from kith.people.models import Person, Referral

    system, key, stand_in = _setup()
    bodies = [_message() for _ in range(MESSAGES)]
    parse_ms = [_ms(lambda b=b: Bundle.model_validate_json(b)) for b in bodies]
    take_ms, taken = [], []
    for body in bodies:
        started = time.perf_counter()
        answer = receive(system, body, "application/fhir+json")
        take_ms.append((time.perf_counter() - started) * 1000)
        taken.append(answer.referral)
    assert all(r is not None for r in taken), "a benchmark message was refused"

    worker = get_user_model().objects.get(username="bench-worker-0")
    accept_ms = []
    for referral in taken[:ACCEPTED]:
        accept_ms.append(
            _ms(lambda r=referral: people.accept_referral(user=worker, referral=r, confirm_not_duplicate=True))
        )
    started = time.perf_counter()
    delivered = outbox.deliver()
    deliver_s = time.perf_counter() - started
    stand_in.stop()

    from http_bench import free_port, start_kith

    os.environ["KITH_FHIR_MESSAGES_PER_MINUTE"] = "100000"  # one system sending as fast as it can, not throttled
    port = free_port()
    server = start_kith(port)
    try:
        url = f"http://127.0.0.1:{port}/fhir/$process-message"
        _post_all(url, key, [_message() for _ in range(20)], 1)  # warm the workers
        one, one_status, one_s = _post_all(url, key, [_message() for _ in range(HTTP_MESSAGES // 2)], 1)
        four, four_status, four_s = _post_all(url, key, [_message() for _ in range(HTTP_MESSAGES)], 4)
    finally:
        server.terminate()
        server.wait(timeout=20)

    today = timezone.localdate()
    start = today.replace(month=1, day=1)
    everyone_ms = [_ms(lambda: sharing.prsb_period(start, today)) for _ in range(5)]
    team = worker.profile.team
    team_ms = [_ms(lambda: sharing.prsb_period(start, today, team=team)) for _ in range(5)]
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min))
    open_people = Person.objects.filter(anonymised_at__isnull=True, opened_at__lt=until).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=since)
    )
    count_ms = [_ms(lambda: open_people.count()) for _ in range(5)]
    people_count = open_people.count()
    # The next run starts alike: the people accepted and every referral the run made go.
    Person.objects.filter(referrals__external_system="Bench GP system").delete()
    Referral.objects.filter(external_system="Bench GP system").delete()
    take, parse = statistics.median(take_ms), statistics.median(parse_ms)
    return [
        "#### Referrals in from GP systems (BaRS), responses out, the PRSB export",
        "",
        f"{MESSAGES} new referral messages taken in process, then {ACCEPTED} accepted (each writes its response), "
        f"the responses delivered to a GP system stand-in on loopback; over HTTP against `kith serve` (2 workers), "
        f"{HTTP_MESSAGES // 2} messages on one connection and {HTTP_MESSAGES} on four. The export counts "
        f"{people_count:,} people's records.",
        "",
        "| step | p50 ms | p95 ms | peer, same run | ratio (p50) |",
        "|---|---:|---:|---|---:|",
        f"| take a message, in process (parse, BaRS rules, referral, record, audit) | {take:.1f} | "
        f"{_p(take_ms, 95):.1f} | fhir.resources parse alone {parse:.1f} ms | {take / parse:.1f} |",
        f"| accept a referral and write its response | {statistics.median(accept_ms):.1f} | "
        f"{_p(accept_ms, 95):.1f} | | |",
        f"| take a message over HTTP, one connection | {statistics.median(one):.1f} | {_p(one, 95):.1f} | "
        f"in process {take:.1f} ms | {statistics.median(one) / take:.1f} |",
        f"| take a message over HTTP, four connections | {statistics.median(four):.1f} | {_p(four, 95):.1f} | | |",
        f"| PRSB period export, every team | {statistics.median(everyone_ms):.0f} | {max(everyone_ms):.0f} | "
        f"one COUNT of the same people {statistics.median(count_ms):.0f} ms | "
        f"{statistics.median(everyone_ms) / statistics.median(count_ms):.1f} |",
        f"| PRSB period export, one team | {statistics.median(team_ms):.0f} | {max(team_ms):.0f} | | |",
        "",
        f"Throughput over HTTP: {len(one) / one_s:.0f} messages/s on one connection, {len(four) / four_s:.0f} on four "
        f"(answers {sorted({**one_status, **four_status}.items())}); {delivered} responses delivered in "
        f"{deliver_s:.2f} s ({delivered / deliver_s:.0f}/s, one connection, each taken by the stand-in).",
        "",
    ]
