"""Demo suggestions from the public and a claim waiting for an administrator (synthetic)."""

from django.db import transaction

from kith.accounts.demo import DEMO_WARDS
from kith.directory.models import Service
from kith.freshness import services as upkeep
from kith.freshness.models import Claim, Suggestion

SUGGESTIONS = [
    ("change", "It meets on Thursdays now, not Tuesdays."),
    ("closed", "The group stopped meeting in the summer."),
    ("paused", "Closed while the hall is repaired; back in the spring."),
]


@transaction.atomic
def build_demo_upkeep() -> bool:
    if Suggestion.objects.exists() or Claim.objects.exists():
        return False
    services = list(
        Service.objects.active()
        .filter(service_at_locations__location__ward_id__in=DEMO_WARDS, is_demo=True)
        .select_related("organisation")
        .distinct()
        .order_by("id")[: len(SUGGESTIONS) + 1]
    )
    for service, (kind, details) in zip(services, SUGGESTIONS, strict=False):
        upkeep.suggest(service=service, kind=kind, details=details)
    if len(services) > len(SUGGESTIONS):
        upkeep.claim(
            organisation=services[-1].organisation,
            name="Sam Volunteer",
            email="sam.volunteer@example.org",
            role_at_organisation="Chair",
        )
    return True
