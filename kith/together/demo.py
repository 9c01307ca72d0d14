"""Demo group opportunities at every stage, opened from the demo team's pools (synthetic)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kith.accounts.demo import DEMO_WARDS
from kith.directory.models import Organisation, TaxonomyTerm
from kith.directory.taxonomy import WHAT_MATTERS
from kith.geo.models import Area, Postcode
from kith.people.access import access_pool
from kith.together import services as groups
from kith.together.models import STAGE_ORDER, GroupOpportunity, Path, PoolContact, Stage
from kith.together.pools import pools_in

PLAN = [
    ("Monday walkers", "active/walking", Path.SELF_ORGANISE, Stage.IDEA),
    ("craft circle", "arts/crafts", Path.PARTNER, Stage.GATHERING),
    ("men's cooking club", "food/cooking", Path.RUN, Stage.FIRST_MEETING),
    ("chatty café", "social/coffee-mornings", Path.PARTNER, Stage.RUNNING),
    ("garden volunteers", "nature/gardening", Path.SELF_ORGANISE, Stage.HANDED_OVER),
]
OUTCOMES = [PoolContact.Outcome.INTERESTED, PoolContact.Outcome.NOT_NOW, PoolContact.Outcome.NO_ANSWER]


def _list(worker, opportunity, ward) -> None:
    postcode = Postcode.objects.filter(ward=ward, lat__isnull=False).order_by("postcode").first()
    groups.make_listing(
        user=worker,
        opportunity=opportunity,
        name=opportunity.title,
        description=f"{opportunity.title} in {ward.name}: started by neighbours through Kith.",
        byday="WE",
        opens_at=dt.time(10),
        closes_at=dt.time(12),
        venue=f"{ward.name} community centre",
        postcode=postcode.postcode,
        cost=None,
        phone="0161 496 0777",
    )


@transaction.atomic
def build_demo_groups() -> int | None:
    worker = get_user_model().objects.get(username="demo-linkworker")
    if GroupOpportunity.objects.filter(opened_by=worker).exists():
        return None
    wards = list(Area.objects.without_geometry().filter(code__in=DEMO_WARDS).order_by("code"))
    terms = {t.code: t for t in TaxonomyTerm.objects.filter(taxonomy__source_id=WHAT_MATTERS)}
    pools = {ward.code: {p.category: p for p in pools_in(ward.code)} for ward in wards}
    for n, (title, category, path, stage) in enumerate(PLAN):
        # Where most people are waiting for it; the next ward in turn when nobody is.
        waiting = [w for w in wards if category in pools[w.code]]
        ward = max(waiting, key=lambda w: pools[w.code][category].size) if waiting else wards[n % len(wards)]
        pool = pools[ward.code].get(category)
        partner = None
        if path == Path.PARTNER:
            # A community group or charity: a pharmacy or a bank does not start walking groups.
            partner = (
                Organisation.objects.filter(
                    services__service_at_locations__location__ward_id=ward.code, services__asset_kind="vcse"
                )
                .exclude(name__iregex=r"pharmac|chemist|surgery|bank")
                .order_by("name")
                .first()
            )
        opportunity = groups.open_opportunity(
            user=worker,
            ward=ward,
            category=terms[category],
            title=f"{ward.name} {title}",  # as written: "Monday" keeps its capital
            path=path if partner or path != Path.PARTNER else Path.RUN,
            partner=partner,
            pool_size=pool.size if pool else 0,
        )
        due = timezone.localdate() + dt.timedelta(days=14)
        groups.add_task(user=worker, opportunity=opportunity, text="Find a room", due_on=due)
        members = access_pool(worker, pool.person_ids if pool else [], purpose="demo group")
        for m, person in enumerate(members[:6]):
            groups.record_contact(
                user=worker, opportunity=opportunity, person=person, method="phone", outcome=OUTCOMES[m % 3]
            )
        for step in STAGE_ORDER[1 : STAGE_ORDER.index(stage) + 1]:
            if step == Stage.HANDED_OVER:
                _list(worker, opportunity, ward)
            groups.move_stage(user=worker, opportunity=opportunity, stage=step)
        if stage == Stage.RUNNING:
            _list(worker, opportunity, ward)
    return len(PLAN)
