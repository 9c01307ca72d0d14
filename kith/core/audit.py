"""Write the audit trail. Called explicitly by access functions and services, never by signals."""

from kith.core.models import AuditEvent

# How to read a user's role. Core sits below accounts, so accounts registers its reader when it starts.
role_of = lambda user: None  # noqa: E731


def use_role_reader(reader) -> None:
    global role_of
    role_of = reader


def record(*, user, action: str, what: str, object_id="", person=None, username="", **detail) -> AuditEvent:
    """One event. `username` names who acted when there is no signed-in user (a refused sign-in)."""
    return AuditEvent.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        username=(username or getattr(user, "username", "") or "(system)")[:150],
        role=role_of(user) or "",
        action=action,
        what=what,
        object_id=str(object_id),
        person=person,
        detail=detail,
    )
