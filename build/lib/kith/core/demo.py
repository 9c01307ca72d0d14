"""Demo sign-ins. Synthetic people only; the passwords are printed for the demo and nowhere else."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

DEMO_USERS = [
    # (username, password, role, staff, superuser)
    ("demo-admin", "kith-demo-admin-2026", "administrator", True, True),
    ("demo-editor", "kith-demo-editor-2026", "directory editor", True, False),
]
EDITOR_GROUP = "Directory editors"


@transaction.atomic
def ensure_demo_users() -> list[tuple[str, str, str]]:
    User = get_user_model()
    editors, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    editors.permissions.set(Permission.objects.filter(content_type__app_label="directory"))
    shown = []
    for username, password, role, staff, superuser in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"is_staff": staff, "is_superuser": superuser, "email": f"{username}@example.org"},
        )
        if created:
            user.set_password(password)
            user.save()
        if not superuser:
            user.groups.add(editors)
        shown.append((username, password if created or user.check_password(password) else "(changed)", role))
    return shown
