"""Demo enquiries and unmet searches: synthetic questions in the demo team's wards, at every stage."""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kith.accounts.demo import DEMO_WARDS, ensure_demo_users
from kith.core.workdays import answer_due
from kith.directory.models import TaxonomyTerm
from kith.enquiries import services
from kith.enquiries.models import Enquiry, UnmetSearch
from kith.geo.models import Area
from kith.matching.suggest import needs_in_words, suggest_near

NEEDS = [
    ("active", "Wants to walk, anxious in big groups, no car", ["confidence", "transport"]),
    ("social", "Recently bereaved, would like company in the afternoons", []),
    ("arts", "Used to sing in a choir, would like to again; uses a wheelchair", ["mobility"]),
    ("learning", "Wants to improve English and meet people; speaks Urdu", ["language"]),
    ("active", "Gentle exercise after a knee operation, on a low income", ["cost", "mobility"]),
    ("nature", "Likes gardening, no garden of their own", []),
    ("social", "Carer for a parent, free only in the mornings", ["caring", "time-of-day"]),
    ("active", "Young man in recovery, would like to play football", ["confidence"]),
]
UNMET = [("canoeing", "active"), ("men's shed", "social"), ("pottery class", "arts"), ("sign language", ""),
         ("chess club", "social"), ("wild swimming", "active"), ("", "nature"), ("knitting", "arts")]  # fmt: skip


@transaction.atomic
def build_demo_enquiries(*, seed: int = 2026) -> int | None:
    """Eight enquiries from the demo GP (three open, one of them late; five answered) and some unmet searches."""
    ensure_demo_users()
    users = get_user_model().objects
    gp, worker = users.get(username="demo-gp"), users.get(username="demo-linkworker")
    if Enquiry.objects.filter(asked_by=gp).exists():
        return None
    rng = random.Random(seed)
    wards = list(Area.objects.without_geometry().filter(code__in=DEMO_WARDS))
    terms = {t.code: t for t in TaxonomyTerm.objects.what_matters()}
    now = timezone.now()
    for n, (category, need, barriers) in enumerate(NEEDS):
        ward = wards[n % len(wards)]
        enquiry = services.ask(user=gp, ward=ward, category=terms.get(category), need=need, barriers=barriers)
        asked = now - dt.timedelta(days=[1, 6, 0, 20, 35, 50, 70, 90][n], hours=rng.randint(0, 5))
        enquiry.asked_at, enquiry.due_at = asked, answer_due(timezone.localtime(asked), 2)
        enquiry.save(update_fields=["asked_at", "due_at"])
        if n < 3:
            continue  # open; the second one is late
        found = suggest_near((ward.centroid_lon, ward.centroid_lat), needs_in_words(category, barriers, need), limit=3)
        listings = [s.service for s in found] if n != 6 else []
        services.answer(
            user=worker,
            enquiry=enquiry,
            services=listings,
            note="These are close by and were checked recently." if listings else "Nothing suitable within reach.",
            outcome=Enquiry.Outcome.FOUND if listings else Enquiry.Outcome.NOTHING,
        )
        answered = asked + dt.timedelta(days=rng.choice([0, 1, 2, 4]))
        Enquiry.objects.filter(pk=enquiry.pk).update(answered_at=answered)
    for n, (words, category) in enumerate(UNMET * 2):
        UnmetSearch.objects.create(
            words=words,
            category=category,
            area_id=DEMO_WARDS[n % len(DEMO_WARDS)],
            searched_on=timezone.localdate() - dt.timedelta(days=rng.randint(0, 120)),
        )
    return len(NEEDS)
