"""The role of a signed-in user, read once per request."""

from kith.accounts.models import Role, StaffProfile

# The roles that care for people: they see their team's caseload, referrals, pools and enquiries.
CARE = (Role.LINK_WORKER, Role.LEAD, Role.ADMINISTRATOR)
# Who keeps the directory: the care roles and directory editors (staff with no care role, shown as None).
KEEPERS = (*CARE, None)


def profile_of(user) -> StaffProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.profile
    except StaffProfile.DoesNotExist:
        return None


def role_of(user) -> str | None:
    profile = profile_of(user)
    if profile is not None:
        return profile.role
    if getattr(user, "is_superuser", False):
        return Role.ADMINISTRATOR
    return None


def administrator_emails() -> list[str]:
    """Where to tell administrators that something waits for them: every active administrator with an address."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(profile__role=Role.ADMINISTRATOR, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
