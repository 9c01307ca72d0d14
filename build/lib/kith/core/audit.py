"""Write the audit trail. Called explicitly by access functions and services, never by signals."""

from kith.core.models import AuditEvent


def record(*, user, action: str, what: str, object_id="", person=None, **detail) -> AuditEvent:
    from kith.accounts.roles import role_of

    return AuditEvent.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        username=getattr(user, "username", "") or "(system)",
        role=role_of(user) or "",
        action=action,
        what=what,
        object_id=str(object_id),
        person=person,
        detail=detail,
    )
