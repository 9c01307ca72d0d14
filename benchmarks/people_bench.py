"""Workspace benchmark: suggestions and the caseload page with 200,000 people in the database.

Run by search_bench.py after the directory is built (`make bench`).
"""

import random
import time

PEOPLE = 200_000
PER_TEAM = 250
SUGGESTION_RUNS = 300
CASELOAD_RUNS = 60


def build_people(seed: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from kith.accounts.models import Role, StaffProfile, Team
    from kith.directory.models import TaxonomyTerm
    from kith.geo.models import Postcode
    from kith.people.models import Barrier, BarrierKind, Person, Want

    if Person.objects.count() >= PEOPLE:
        return
    rng = random.Random(seed)
    User = get_user_model()
    postcodes = list(
        Postcode.objects.filter(lsoa__isnull=False).order_by("postcode").values_list("postcode", "lsoa_id", "ward_id")
    )
    terms = list(TaxonomyTerm.objects.filter(taxonomy__source_id="kith-what-matters").values_list("id", flat=True))
    started = time.perf_counter()
    with transaction.atomic():
        Person.objects.all().delete()
        for t in range(PEOPLE // PER_TEAM):
            team, _ = Team.objects.get_or_create(name=f"Bench team {t}")
            worker, created = User.objects.get_or_create(username=f"bench-worker-{t}")
            if created:
                StaffProfile.objects.create(user=worker, role=Role.LINK_WORKER, team=team)
            home = rng.randrange(len(postcodes))
            batch = []
            for _ in range(PER_TEAM):
                postcode, lsoa, ward = postcodes[(home + rng.randrange(400)) % len(postcodes)]
                batch.append(
                    Person(
                        team=team,
                        link_worker=worker,
                        given_name="Bench",
                        family_name=f"P{t}",
                        postcode=postcode,
                        lsoa_id=lsoa,
                        ward_id=ward,
                        is_demo=True,
                    )
                )
            Person.objects.bulk_create(batch)
            Want.objects.bulk_create(
                Want(person=p, term_id=rng.choice(terms), priority=rng.choice([1, 2, 3]))
                for p in batch
                for _ in range(rng.randint(1, 3))
            )
            Barrier.objects.bulk_create(
                Barrier(person=p, kind=k) for p in batch for k in rng.sample(BarrierKind.values, rng.choice([0, 1, 2]))
            )
    print(f"people built in {time.perf_counter() - started:.0f} s", flush=True)


def signed_in_client(username: str):
    """A test client signed in as this bench user, second factor given (a one-time recovery code)."""
    import secrets

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=username)
    TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "bench app"})
    device, _ = StaticDevice.objects.get_or_create(user=user, name="bench")
    code = secrets.token_hex(4)
    device.token_set.create(token=code)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    client.post("/accounts/sign-in/two-factor/", {"token": code})
    return client


def measure(seed: int) -> dict[str, list[float]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kith.matching.suggest import suggest
    from kith.people.models import Person

    rng = random.Random(seed)
    ids = list(Person.objects.values_list("id", flat=True))
    suggestion_ms, found = [], []
    for person_id in rng.sample(ids, SUGGESTION_RUNS):
        person = Person.objects.get(pk=person_id)
        t0 = time.perf_counter()
        found.append(len(suggest(person)))
        suggestion_ms.append((time.perf_counter() - t0) * 1000)

    client = signed_in_client("bench-worker-0")
    caseload_ms, queries = [], []
    for _ in range(CASELOAD_RUNS):
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            response = client.get("/people/")
            caseload_ms.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
        queries.append(len(captured))
    return {
        "suggestions": suggestion_ms,
        "suggestions_found": found,
        "caseload": caseload_ms,
        "caseload_queries": queries,
    }
