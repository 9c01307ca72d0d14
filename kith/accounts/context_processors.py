from django.conf import settings

from kith.accounts.roles import role_of
from kith.geo.coverage import area_name

# Roles that use the locality enquiry line: professionals ask, link workers, leads and administrators answer.
ENQUIRY_ROLES = {"professional", "link-worker", "lead", "administrator"}


def site(request):
    user = getattr(request, "user", None)
    role = role_of(user) if user is not None and user.is_authenticated else None
    return {
        "site_name": settings.KITH_SITE_NAME,
        "area_name": area_name(),
        "base_url": settings.KITH_BASE_URL.rstrip("/"),
        "uses_enquiries": role in ENQUIRY_ROLES,
        "is_administrator": role == "administrator",
        "is_professional": role == "professional",
    }
