"""Generated groups and activities, named after real wards and real venues.

Coverage is deliberately uneven: every ward draws a richness level, so some wards are rich in
groups and some have none, which is what the gap analysis must find.
"""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

import shapely

from kith.directory.models import AssetKind, Scope
from kith.directory.schedules import DAY_CODES
from kith.feeds.demo.spec import make_asset, make_place, make_schedule
from kith.feeds.importers.records import LocationRecord, ServiceRecord

# Relative numbers of groups a ward gets; 0 leaves it bare.
RICHNESS = [0.0, 0.0, 0.2, 0.5, 1.0, 1.0, 1.5, 3.0, 5.0]
T = dt.time


@dataclass(frozen=True)
class Template:
    category: str
    name: str  # {place}: the ward; {venue}: where it meets
    description: str
    times: tuple[dt.time, dt.time]
    cost: float | None = 0.0
    weight: int = 3
    outdoor: bool = False
    minimum_age: int | None = None
    maximum_age: int | None = None
    monthly: bool = False


TEMPLATES = [
    Template(
        "active/walking",
        "{place} Walking Group",
        "A friendly led walk of about an hour at an easy pace, "
        "finishing with a cuppa. Everyone welcome; no need to book.",
        (T(10), T(11, 30)),
        weight=6,
        outdoor=True,
    ),
    Template(
        "active/walking",
        "Health Walk from {venue}",
        "Short, gentle health walks led by trained volunteers, good for anyone getting back into being active.",
        (T(13, 30), T(14, 30)),
        weight=4,
        outdoor=True,
    ),
    Template(
        "active/gentle-exercise",
        "Chair-based Exercise at {venue}",
        "Seated exercise to music to build strength and balance; suitable if you are less mobile.",
        (T(11), T(12)),
        cost=2.0,
        weight=4,
        minimum_age=50,
    ),
    Template(
        "active/gentle-exercise",
        "Tai Chi for Beginners, {place}",
        "Slow, flowing movement for balance and calm. Wear loose clothes.",
        (T(10), T(11)),
        cost=3.0,
        weight=2,
    ),
    Template(
        "active/sport",
        "Walking Football, {place}",
        "Football at walking pace for over-50s: no running, no tackling, lots of laughs.",
        (T(18), T(19)),
        cost=3.0,
        weight=3,
        minimum_age=50,
    ),
    Template(
        "active/cycling",
        "{place} Community Bike Ride",
        "Relaxed group rides on quiet roads and paths; bikes can be borrowed.",
        (T(10), T(12)),
        weight=1,
        outdoor=True,
    ),
    Template(
        "nature/gardening",
        "{place} Community Garden",
        "Grow fruit, vegetables and flowers together. No experience needed; tools and tea provided.",
        (T(10), T(13)),
        weight=4,
        outdoor=True,
    ),
    Template(
        "nature/conservation",
        "Friends of {venue}",
        "Volunteers who look after the park: litter picks, planting and wildlife surveys.",
        (T(10), T(12)),
        weight=2,
        outdoor=True,
        monthly=True,
    ),
    Template(
        "arts/singing",
        "{place} Community Choir",
        "A welcoming choir for all voices; no auditions and no need to read music.",
        (T(19), T(21)),
        cost=3.0,
        weight=3,
    ),
    Template(
        "arts/crafts",
        "Knit and Natter at {venue}",
        "Bring your knitting, crochet or sewing, or learn from others, over a brew.",
        (T(13, 30), T(15, 30)),
        weight=5,
    ),
    Template(
        "arts/painting",
        "Art Club at {venue}",
        "Painting and drawing for all abilities; materials provided.",
        (T(10), T(12)),
        cost=4.0,
        weight=3,
    ),
    Template(
        "arts/writing",
        "{venue} Reading Group",
        "Read a book a month and meet to talk about it.",
        (T(18, 30), T(20)),
        weight=2,
        monthly=True,
    ),
    Template(
        "social/coffee-mornings",
        "Coffee Morning at {venue}",
        "Drop in for a hot drink, cake and a chat. Everyone welcome.",
        (T(10), T(12)),
        cost=1.0,
        weight=6,
    ),
    Template(
        "social/lunch-clubs",
        "{place} Lunch Club",
        "A hot two-course lunch and good company for older people.",
        (T(12), T(14)),
        cost=4.5,
        weight=3,
        minimum_age=60,
    ),
    Template(
        "social/mens-sheds",
        "{place} Men's Shed",
        "A workshop where men make, mend and talk side by side. Women welcome too.",
        (T(10), T(15)),
        weight=2,
    ),
    Template(
        "social/befriending",
        "{place} Befriending Service",
        "A volunteer visits or phones each week for a chat, to help with loneliness.",
        (T(9), T(17)),
        weight=2,
        minimum_age=18,
    ),
    Template(
        "learning/esol",
        "English Conversation Café at {venue}",
        "Practise speaking English in a relaxed group. All levels.",
        (T(10), T(12)),
        weight=2,
    ),
    Template(
        "digital",
        "Digital Drop-in at {venue}",
        "Help with phones, tablets, email and getting online, one to one.",
        (T(14), T(16)),
        weight=3,
    ),
    Template(
        "volunteering/volunteering",
        "Volunteer at {place} Community Pantry",
        "Help sort and hand out food, meet people and learn new skills.",
        (T(9, 30), T(12, 30)),
        weight=2,
    ),
    Template(
        "volunteering/employment",
        "{place} Job Club",
        "Help with CVs, applications and interviews.",
        (T(10), T(12)),
        weight=2,
        minimum_age=16,
    ),
    Template(
        "money/benefits",
        "Benefits Advice at {venue}",
        "Free, confidential help to check and claim benefits.",
        (T(10), T(13)),
        weight=2,
    ),
    Template(
        "money/debt",
        "Money Matters Drop-in, {place}",
        "Free help with debts, bills and budgeting.",
        (T(13), T(16)),
        weight=1,
    ),
    Template(
        "food/food-banks",
        "{place} Community Pantry",
        "Low-cost weekly shop for members: pay a small fee and choose your own food.",
        (T(11), T(14)),
        cost=3.5,
        weight=3,
    ),
    Template(
        "food/cooking",
        "Cook and Eat at {venue}",
        "Cook a healthy meal together on a budget, then eat it.",
        (T(17), T(19)),
        cost=2.0,
        weight=2,
    ),
    Template(
        "mental-health/peer-support",
        "{place} Mental Health Peer Support",
        "A safe, friendly group for people living with anxiety or depression.",
        (T(18), T(19, 30)),
        weight=3,
        minimum_age=18,
    ),
    Template(
        "carers",
        "{place} Carers' Café",
        "Time out for unpaid carers: a brew, a chat and information.",
        (T(10), T(12)),
        weight=2,
        monthly=True,
    ),
    Template(
        "faith/culture",
        "{place} Local History Group",
        "Talks, walks and old photos about the area's past.",
        (T(19), T(21)),
        weight=1,
        monthly=True,
    ),
    Template(
        "animals",
        "{place} Dog Walkers",
        "Meet other dog owners for a sociable walk.",
        (T(9), T(10)),
        weight=2,
        outdoor=True,
    ),
    Template(
        "families",
        "Stay and Play at {venue}",
        "Play, songs and stories for under-fives with their grown-ups.",
        (T(9, 30), T(11)),
        cost=1.0,
        weight=3,
        maximum_age=5,
    ),
    Template(
        "health/long-term-conditions",
        "Breathe Easy {place}",
        "Support group for people living with lung conditions such as COPD, and their families.",
        (T(13), T(15)),
        weight=1,
        monthly=True,
    ),
    Template(
        "substance-use",
        "{place} Recovery Café",
        "A friendly space for people in recovery from drugs or alcohol.",
        (T(17), T(19)),
        weight=1,
        minimum_age=18,
    ),
    Template(
        "housing",
        "Housing Advice at {venue}",
        "Help with repairs, tenancies and finding a home.",
        (T(10), T(12)),
        weight=1,
    ),
]
LANGUAGE_GROUPS = [("Urdu", "ur"), ("Polish", "pl"), ("Arabic", "ar"), ("Somali", "so"), ("Cantonese", "yue")]
CHECK_METHODS = [
    ("phoned", "link worker"),
    ("visited", "link worker"),
    ("organisation-confirmed", "organisation"),
    ("emailed", "link worker"),
]
VENUE_KINDS = [
    "Community Centre",
    "Methodist Hall",
    "Community Hub",
    "Neighbourhood Centre",
    "Sports Club",
    "Church Hall",
    "Youth Centre",
    "Tenants' Hall",
]


@dataclass
class Ward:
    code: str
    name: str
    local_authority: str
    geometry: shapely.Geometry


def random_point(rng: random.Random, geometry: shapely.Geometry) -> tuple[float, float]:
    min_x, min_y, max_x, max_y = geometry.bounds
    for _ in range(1000):
        x, y = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if shapely.contains_xy(geometry, x, y):
            return round(x, 6), round(y, 6)
    point = geometry.representative_point()
    return point.x, point.y


def ward_richness(rng: random.Random, wards: list[Ward]) -> dict[str, float]:
    return {ward.code: rng.choice(RICHNESS) for ward in wards}


def generate(
    rng: random.Random, wards: list[Ward], venues_by_ward: dict[str, list[LocationRecord]], count: int
) -> list[ServiceRecord]:
    richness = ward_richness(rng, wards)
    weighted = [w for w in wards if richness[w.code] > 0]
    if not weighted or count <= 0:
        return []
    chosen = rng.choices(weighted, weights=[richness[w.code] for w in weighted], k=count)
    per_ward: dict[str, int] = defaultdict(int)
    for ward in chosen:
        per_ward[ward.code] += 1
    template_weights = [t.weight for t in TEMPLATES]
    assets = []
    for ward in weighted:
        n = per_ward.get(ward.code, 0)
        if n == 0:
            continue
        real = venues_by_ward.get(ward.code, [])
        outdoors = [v for v in real if v.source_id.startswith("park:")] or []
        indoor_real = [v for v in real if v.source_id.split(":")[0] in {"library", "worship", "hub", "leisure"}]
        synthetic = []
        for k in range(max(2, n // 8)):
            lon, lat = random_point(rng, ward.geometry)
            kind = VENUE_KINDS[k % len(VENUE_KINDS)]
            synthetic.append(
                make_place(
                    key=f"generated:{ward.code}:{k}",
                    name=f"{ward.name} {kind}",
                    lon=lon,
                    lat=lat,
                    address_1=f"{rng.randint(1, 250)} {ward.name} Road",
                    city=ward.local_authority,
                    step_free=rng.random() < 0.7,
                )
            )
        organisations = [
            f"{ward.name} Community Association",
            f"{ward.name} Wellbeing Network",
            f"{ward.local_authority} Voluntary Action",
        ]
        for i in range(n):
            template = rng.choices(TEMPLATES, weights=template_weights)[0]
            pool = synthetic + indoor_real
            if template.outdoor and outdoors:
                pool = outdoors
            if "{venue}" in template.name and template.category == "nature/conservation" and not outdoors:
                template = TEMPLATES[0]
            venue = rng.choice(pool)
            name = template.name.format(place=ward.name, venue=venue.name)
            day = rng.randrange(7) if rng.random() < 0.15 else rng.randrange(5)
            if template.monthly:
                schedule = make_schedule(
                    freq="MONTHLY",
                    byday=f"{rng.randint(1, 4)}{DAY_CODES[day]}",
                    opens_at=template.times[0],
                    closes_at=template.times[1],
                )
            else:
                schedule = make_schedule(byday=DAY_CODES[day], opens_at=template.times[0], closes_at=template.times[1])
            languages = [rng.choice(LANGUAGE_GROUPS)] if rng.random() < 0.06 else []
            if languages:
                name = f"{name} ({languages[0][0]}-speaking)"
            checks = []
            if rng.random() > 0.15:
                roll = rng.random()
                days_ago = (
                    rng.randint(0, 180)
                    if roll < 0.6
                    else rng.randint(181, 540)
                    if roll < 0.85
                    else rng.randint(541, 1100)
                )
                method, role = rng.choice(CHECK_METHODS)
                checks.append((days_ago, method, role))
            assets.append(
                make_asset(
                    source="generated",
                    source_id=f"{ward.code}:{i}",
                    organisation=rng.choice(organisations),
                    name=name,
                    description=template.description,
                    categories=[template.category],
                    kind=AssetKind.VCSE,
                    scope=Scope.LOCAL,
                    venue=venue,
                    phone=f"0161 496 {rng.randint(0, 999):04d}",
                    schedules=[schedule],
                    cost=template.cost,
                    minimum_age=template.minimum_age,
                    maximum_age=template.maximum_age,
                    languages=languages,
                    checks=checks,
                    website="",
                )
            )
    return assets
