"""What the people who keep a listing right see on its page: whether they may check and edit it, and its history."""

from kith.accounts.models import Role
from kith.accounts.roles import KEEPERS, profile_of
from kith.directory.models import ListingCheck
from kith.freshness.forms import CheckForm


def upkeep_context(user, service) -> dict:
    profile = profile_of(user)
    keeper = profile is not None and (
        profile.role in KEEPERS
        or (profile.role == Role.ORGANISATION_EDITOR and profile.organisation_id == service.organisation_id)
    )
    if not keeper:
        return {"can_keep": False}
    history = list(service.changes.select_related("changed_by")[:20])
    checks = list(ListingCheck.objects.filter(service=service).order_by("-checked_at")[:10])
    return {"can_keep": True, "history": history, "checks": checks, "check_form": CheckForm()}
