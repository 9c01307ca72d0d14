from django.conf import settings

from kith.accounts.roles import role_of

# Roles that use the locality enquiry line: professionals ask, link workers, leads and administrators answer.
ENQUIRY_ROLES = {"professional", "link-worker", "lead", "administrator"}


def site(request):
    user = getattr(request, "user", None)
    return {
        "site_name": settings.KITH_SITE_NAME,
        "uses_enquiries": bool(user and user.is_authenticated and role_of(user) in ENQUIRY_ROLES),
    }
