"""Demo sign-ins and team. Synthetic accounts only; their secrets are printed for the demo alone."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from kith.accounts import twofactor
from kith.accounts.models import Profession, Role, StaffProfile, Team
from kith.geo.models import Area

DEMO_TEAM = "North Manchester social prescribing (demo)"
# Harpurhey, Moston, Charlestown, Cheetham, Crumpsall and Higher Blackley.
DEMO_WARDS = ["E05011366", "E05011373", "E05011355", "E05011356", "E05011360", "E05011367"]
# (username, password, shown role, staff, superuser, profile role, extra profile fields)
DEMO_USERS = [
    ("demo-admin", "kith-demo-admin-2026", "administrator", True, True, Role.ADMINISTRATOR, {}),
    ("demo-editor", "kith-demo-editor-2026", "directory editor", True, False, None, {}),
    ("demo-linkworker", "kith-demo-linkworker-2026", "link worker", False, False, Role.LINK_WORKER, {}),
    ("demo-lead", "kith-demo-lead-2026", "neighbourhood lead", False, False, Role.LEAD, {}),
    (
        "demo-gp",
        "kith-demo-gp-2026",
        "professional (GP)",
        False,
        False,
        Role.PROFESSIONAL,
        {"profession": Profession.GP},
    ),
    ("demo-planner", "kith-demo-planner-2026", "planner", False, False, Role.PLANNER, {}),
]
EDITOR_GROUP = "Directory editors"
# What pages call the demo staff: synthetic names, so no page shows a username.
DEMO_NAMES = {
    "demo-admin": ("Ada", "Morris"),
    "demo-editor": ("Eddie", "Clarke"),
    "demo-linkworker": ("Sam", "Okafor"),
    "demo-lead": ("Lena", "Price"),
    "demo-gp": ("Dr Priya", "Shah"),
    "demo-planner": ("Pat", "Nolan"),
}


@transaction.atomic
def demo_team() -> Team:
    team, _ = Team.objects.get_or_create(name=DEMO_TEAM)
    team.wards.set(Area.objects.filter(code__in=DEMO_WARDS))
    return team


@transaction.atomic
def ensure_demo_users(*, with_second_factor: bool = False, codes: int = 3, new_codes: bool = False) -> list[dict]:
    """Create the demo accounts if missing; with a second factor, also an authenticator key and codes."""
    User = get_user_model()
    editors, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    editors.permissions.set(Permission.objects.filter(content_type__app_label="directory"))
    team = demo_team()
    shown = []
    for username, password, label, staff, superuser, role, extra in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"is_staff": staff, "is_superuser": superuser, "email": f"{username}@example.org"},
        )
        if created:
            user.set_password(password)
            user.save()
        first, last = DEMO_NAMES[username]
        if (user.first_name, user.last_name) != (first, last):
            user.first_name, user.last_name = first, last
            user.save(update_fields=["first_name", "last_name"])
        if label == "directory editor":
            user.groups.add(editors)
        if role is not None:
            in_team = role in (Role.LINK_WORKER, Role.LEAD)
            profile, _ = StaffProfile.objects.update_or_create(
                user=user, defaults={"role": role, "team": team if in_team else None, **extra}
            )
            if role == Role.LINK_WORKER:
                profile.neighbourhoods.set(team.wards.all())
        entry = {
            "username": username,
            "role": label,
            "password": password if created or user.check_password(password) else "(changed)",
        }
        if with_second_factor:
            device = twofactor.confirmed_device(user) or twofactor.pending_device(user)
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            entry["authenticator_key"] = twofactor.secret_text(device)
            # The codes printed last time stay good: new ones only when asked for, or when too few are left.
            left = twofactor.unused_recovery_codes(user)
            if new_codes or len(left) < codes:
                left = twofactor.new_recovery_codes(user)
            entry["recovery_codes"] = left[:codes]
        shown.append(entry)
    return shown
