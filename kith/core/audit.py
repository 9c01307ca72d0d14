"""Write the audit trail. Called explicitly by access functions and services, never by signals."""

from kith.core.models import AuditEvent


def record(*, user, action: str, what: str, object_id="", person=None, username="", **detail) -> AuditEvent:
    """One event. `username` names who acted when there is no signed-in user (a refused sign-in)."""
    from kith.accounts.roles import role_of

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
