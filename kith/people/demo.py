"""Synthetic demo people: made-up names and lives, so every workspace page has something to show."""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kith.accounts.demo import DEMO_WARDS, demo_team, ensure_demo_users
from kith.core import audit
from kith.directory.models import TaxonomyTerm
from kith.geo.models import Postcode
from kith.people.models import Barrier, BarrierKind, Consent, Note, Person, Strength, Want, WellbeingScore
from kith.people.wellbeing import SWEMWBS_ITEMS, swemwbs_table

GIVEN = [
    "Ada",
    "Bilal",
    "Carmel",
    "Dev",
    "Elsie",
    "Farhan",
    "Grace",
    "Hamza",
    "Irene",
    "Jude",
    "Kasia",
    "Leon",
    "Maryam",
    "Norman",
    "Olu",
    "Pat",
    "Qasim",
    "Rita",
    "Stan",
    "Tahira",
    "Uzma",
    "Vera",
    "Wes",
    "Yusuf",
    "Zofia",
]
FAMILY = [
    "Ashworth",
    "Begum",
    "Clegg",
    "Dunne",
    "Ellis",
    "Fletcher",
    "Greenhalgh",
    "Hussain",
    "Iqbal",
    "Jackson",
    "Kowalski",
    "Lomax",
    "Mahmood",
    "Nuttall",
    "Okafor",
    "Pilkington",
    "Quayle",
    "Rahman",
    "Schofield",
    "Tattersall",
    "Umar",
    "Vickers",
    "Whittaker",
    "Yates",
    "Zaman",
]
WORDS = [
    "I'd like to get out of the house more",
    "I used to love singing",
    "Somewhere to walk the dog with others",
    "I want to meet people since my husband died",
    "Help with money would take a weight off",
    "I'd like to feel useful again",
    "I miss being in a team",
    "Something for me while I care for mum",
]
STRENGTHS = [
    ("skill", "Good with his hands"),
    ("interest", "Gardening"),
    ("people", "Close to her sister"),
    ("skill", "Speaks three languages"),
    ("interest", "Local history"),
    ("people", "Neighbours look in"),
]


INSIGHT_TEAM = "Greater Manchester residents (demo, for insight)"
# How common each want is, before deprivation and loneliness shift it.
WANT_MIX = {
    "social": 5,
    "active": 5,
    "nature": 3,
    "arts": 3,
    "learning": 2,
    "volunteering": 2,
    "money": 2,
    "food": 2,
    "mental-health": 3,
    "carers": 1,
    "faith": 1,
    "animals": 1,
    "digital": 2,
    "families": 1,
    "health": 2,
    "housing": 1,
    "substance-use": 1,
    "advice": 1,
}
# What people on a caseload most often want, named as finely as link workers record it: walking groups
# and coffee mornings far more than gyms, so pools and suggestions look like a real team's.
CASELOAD_WANTS = {
    "active/walking": 10, "social/coffee-mornings": 8, "arts/crafts": 6, "nature/gardening": 6,
    "arts/singing": 5, "active/gentle-exercise": 5, "food/cooking": 4, "social/lunch-clubs": 4,
    "mental-health/peer-support": 4, "social/befriending": 3, "learning/esol": 2, "money/benefits": 2,
}  # fmt: skip
NEEDIER = {"money", "food", "housing", "advice", "mental-health", "social"}


def build_demo_people(*, seed: int, count: int, insight: int = 6000, force: bool = False) -> int | None:
    if not Postcode.objects.filter(ward_id__in=DEMO_WARDS).exists():
        raise RuntimeError("Load the geography first: kith load-geography.")
    if Person.objects.filter(is_demo=True).exists() and not force:
        return None
    ensure_demo_users()
    with transaction.atomic():
        Person.objects.filter(is_demo=True).delete()
        made = _build(random.Random(seed), count)
        made += _build_insight_people(random.Random(seed + 2), insight)
    return made


def _build_insight_people(rng: random.Random, count: int) -> int:
    """People across all of Greater Manchester with wants, more of them where deprivation and loneliness are
    higher, so the gap atlas tells a story. Only area, wants and consent: they exist to be counted."""
    from kith.accounts.models import Team
    from kith.geo.models import Area

    if count <= 0:
        return 0
    team, _ = Team.objects.get_or_create(name=INSIGHT_TEAM)
    lsoas = list(
        Area.objects.lsoas()
        .order_by("code")
        .values_list(
            "code", "best_fit_ward_id", "indicators__population", "indicators__imd_decile", "indicators__loneliness_pct"
        )
    )
    lonely = [row[4] or 0 for row in lsoas]
    low, high = min(lonely), max(lonely)
    weights = [
        (pop or 0) * (1 + 2 * (10 - (decile or 10)) / 9 + 1.5 * ((lon or low) - low) / ((high - low) or 1))
        for _, _, pop, decile, lon in lsoas
    ]
    terms = {t.code: t for t in TaxonomyTerm.objects.what_matters()}
    people, deprivation = [], []
    for code, ward, _, decile, _ in rng.choices(lsoas, weights=weights, k=count):
        people.append(
            Person(team=team, given_name="Demo", family_name="Resident", lsoa_id=code, ward_id=ward, is_demo=True)
        )
        deprivation.append((10 - (decile or 10)) / 9)
    Person.objects.bulk_create(people, batch_size=2000)
    wants = []
    codes = [c for c in WANT_MIX if c in terms]
    for person, need in zip(people, deprivation, strict=True):
        mix = [WANT_MIX[c] * (1 + 2 * need if c in NEEDIER else 1) for c in codes]
        for code in set(rng.choices(codes, weights=mix, k=rng.randint(1, 3))):
            wants.append(Want(person=person, term=terms[code], priority=rng.choice([1, 2, 2, 3])))
    Want.objects.bulk_create(wants, batch_size=5000)
    return len(people)


def _build(rng: random.Random, count: int) -> int:
    team = demo_team()
    User = get_user_model()
    worker = User.objects.get(username="demo-linkworker")
    gp = User.objects.get(username="demo-gp")
    postcodes = list(
        Postcode.objects.filter(ward_id__in=DEMO_WARDS)
        .order_by("postcode")
        .values_list("postcode", "lsoa_id", "ward_id")
    )
    terms = list(TaxonomyTerm.objects.filter(taxonomy__source_id="kith-what-matters").order_by("code"))
    today = timezone.localdate()
    table = swemwbs_table()
    people = []
    for _ in range(count):
        postcode, lsoa, ward = rng.choice(postcodes)
        referred = rng.random() < 0.4
        people.append(
            Person(
                team=team,
                link_worker=worker,
                given_name=rng.choice(GIVEN),
                family_name=rng.choice(FAMILY),
                date_of_birth=dt.date(rng.randint(1935, 2000), rng.randint(1, 12), rng.randint(1, 28)),
                postcode=postcode,
                lsoa_id=lsoa,
                ward_id=ward,
                phone=f"0161 496 {rng.randint(0, 999):04d}",
                referral_source="gp" if referred else "self",
                referred_by=gp if referred else None,
                referral_reason="Low mood and isolated; would benefit from local groups." if referred else "",
                snomed_code="871731000000106" if referred else "",
                what_matters=rng.choice(WORDS),
                available_times=rng.choice(["", "morning", "morning,afternoon", "afternoon,evening"]),
                is_demo=True,
            )
        )
    Person.objects.bulk_create(people)
    wants, barriers, strengths, scores, consents, notes = [], [], [], [], [], []
    weights = [CASELOAD_WANTS.get(term.code, 1) for term in terms]
    for person in people:
        chosen: dict[int, object] = {}
        for _ in range(rng.randint(1, 3)):
            term = rng.choices(terms, weights=weights)[0]
            chosen[term.pk] = term
        for term in chosen.values():
            wants.append(Want(person=person, term=term, priority=rng.choice([1, 2, 2, 3])))
        kinds = rng.sample(BarrierKind.values, rng.choice([0, 1, 1, 2, 3]))
        barriers.extend(Barrier(person=person, kind=k) for k in kinds)
        kind, words = rng.choice(STRENGTHS)
        strengths.append(Strength(person=person, kind=kind, words=words))
        items = {item: rng.randint(1, 4) for item in SWEMWBS_ITEMS}
        taken = today - dt.timedelta(days=rng.randint(60, 300))
        scores.append(_swemwbs(person, items, taken, "baseline", worker, table))
        if rng.random() < 0.6:
            later = {item: min(5, max(1, v + rng.choice([-1, 0, 1, 1]))) for item, v in items.items()}
            scores.append(
                _swemwbs(person, later, taken + dt.timedelta(days=rng.randint(40, 55)), "follow-up", worker, table)
            )
        consents.append(
            Consent(
                person=person,
                purpose="insight",
                decision="objected" if rng.random() < 0.05 else "agreed",
                method="in-person",
                wording="Can we count you, without your name, in figures about what people here "
                "want and what is missing?",
                recorded_by=worker,
            )
        )
        if rng.random() < 0.6:
            consents.append(
                Consent(
                    person=person,
                    purpose="contact-about-groups",
                    decision="agreed",
                    method="in-person",
                    wording="May we contact you about new groups near you?",
                    recorded_by=worker,
                )
            )
        notes.append(Note(person=person, author=worker, text="First conversation at home. Keen to start soon."))
    Want.objects.bulk_create(wants)
    Barrier.objects.bulk_create(barriers)
    Strength.objects.bulk_create(strengths)
    WellbeingScore.objects.bulk_create(scores)
    Consent.objects.bulk_create(consents)
    Note.objects.bulk_create(notes)
    audit.record(user=None, action="create", what="demo people", count=len(people))
    return len(people)


def _swemwbs(person, items, taken, occasion, worker, table) -> WellbeingScore:
    raw = sum(items.values())
    return WellbeingScore(
        person=person,
        instrument="swemwbs",
        occasion=occasion,
        taken_on=taken,
        answers=items,
        recorded_by=worker,
        swemwbs_raw=raw,
        swemwbs_metric=Decimal(table[raw]),
    )


DEMO_REFERRALS = [
    # (source, given, family, postcode, words, contact times)
    ("gp", "Brenda", "Oakes", "M9 4DH", "Recently widowed and not leaving the house. Agreed to a call from a "
     "link worker.", ""),
    ("self", "Tariq", "Hussain", "M40 9NQ", "I moved here last year and don't know anyone. I'd like to play cricket or "
     "just meet people.", "after 5pm"),
    ("physio", "June", "Whitlow", "M9 5SH", "Knee replacement; needs gentle exercise near home to keep moving.", ""),
]  # fmt: skip


@transaction.atomic
def build_demo_referrals() -> int | None:
    """Three synthetic referrals waiting in the demo team's queue: from the demo GP, a physio and a person."""
    from django.contrib.auth import get_user_model

    from kith.accounts.demo import ensure_demo_users
    from kith.people.models import Referral
    from kith.people.services import make_referral

    ensure_demo_users()
    if Referral.objects.filter(given_name="Brenda", family_name="Oakes").exists():
        return None
    gp = get_user_model().objects.get(username="demo-gp")
    for source, given, family, postcode, words, times in DEMO_REFERRALS:
        make_referral(
            user=gp if source == "gp" else None,
            source=source,
            postcode=postcode,
            given_name=given,
            family_name=family,
            phone="0161 496 0" + str(100 + len(given)),
            words=words,
            contact_times=times,
            agreed=True,
        )
    return len(DEMO_REFERRALS)
