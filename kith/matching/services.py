"""Writes for matching: connections and their status, shared lists, referrals. Audited, atomic."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kith.core import audit
from kith.matching.models import Connection, ConnectionStatus, ConnectionUpdate, ShareableList, ShareableListItem
from kith.people.services import RecordError, StaleRecord


@transaction.atomic
def connect(*, user, person, services, follow_up_in_days: int = 14) -> list[Connection]:
    """Record the services a link worker and the person chose together, as suggested connections."""
    existing = set(person.connections.values_list("service_id", flat=True))
    now = timezone.now()
    made = []
    for service in services:
        if service.pk in existing:
            continue
        connection = Connection.objects.create(
            person=person,
            service=service,
            created_by=user,
            status_changed_at=now,
            follow_up_on=timezone.localdate() + dt.timedelta(days=follow_up_in_days),
        )
        ConnectionUpdate.objects.create(connection=connection, status=ConnectionStatus.SUGGESTED, by=user)
        made.append(connection)
    if made:
        audit.record(
            user=user,
            action="create",
            what="connection",
            object_id=",".join(str(c.pk) for c in made),
            person=person.uuid,
            services=[str(c.service.uuid) for c in made],
        )
    return made


@transaction.atomic
def update_connection(
    *,
    user,
    connection: Connection,
    version: int,
    status: str,
    reason: str = "",
    persons_words: str = "",
    follow_up_on: dt.date | None = None,
) -> Connection:
    if status not in ConnectionStatus.values:
        raise RecordError("Choose one of the listed stages.")
    if status in (ConnectionStatus.STOPPED, ConnectionStatus.NOT_SUITABLE) and not reason.strip():
        raise RecordError("Say why it stopped or did not suit; it helps the next suggestion.")
    fields = {
        "status": status,
        "reason": reason.strip(),
        "persons_words": persons_words.strip(),
        "follow_up_on": follow_up_on,
    }
    if status != connection.status:
        fields["status_changed_at"] = timezone.now()
    changed = Connection.objects.filter(pk=connection.pk, version=version).update(version=F("version") + 1, **fields)
    if not changed:
        raise StaleRecord(
            "Someone else updated this connection after you opened it; nothing was saved. "
            "Open the record again to see their change."
        )
    if status != connection.status:
        ConnectionUpdate.objects.create(connection=connection, status=status, by=user, note=reason.strip()[:300])
    audit.record(
        user=user,
        action="update",
        what="connection",
        object_id=connection.pk,
        person=connection.person.uuid,
        status=status,
    )
    connection.refresh_from_db()
    return connection


@transaction.atomic
def share_list(*, user, person, services, days: int | None = None) -> ShareableList:
    if not services:
        raise RecordError("Choose at least one activity for the list.")
    days = days or settings.KITH_SHARED_LIST_DAYS
    shared = ShareableList.objects.create(
        person=person, created_by=user, expires_at=timezone.now() + dt.timedelta(days=days)
    )
    ShareableListItem.objects.bulk_create(
        ShareableListItem(shared_list=shared, service=s, position=i) for i, s in enumerate(services, start=1)
    )
    audit.record(
        user=user,
        action="share",
        what="shared list",
        object_id=shared.pk,
        person=person.uuid,
        services=len(services),
        expires=str(shared.expires_at.date()),
    )
    return shared


@transaction.atomic
def revoke_list(*, user, shared: ShareableList) -> None:
    shared.revoked_at = timezone.now()
    shared.save(update_fields=["revoked_at"])
    audit.record(
        user=user, action="update", what="shared list", object_id=shared.pk, person=shared.person.uuid, revoked=True
    )
