"""Reads for matching that reach beyond a care team: shared lists and organisations' connections."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from kith.accounts.models import Role
from kith.accounts.roles import profile_of, role_of
from kith.core import audit
from kith.matching.models import Connection, ShareableList
from kith.people.access import refuse, sharing_agreed_with


def access_shared_list(token: str) -> ShareableList:
    """A list anyone with the link may read until it expires; it says nothing about the person."""
    shared = ShareableList.objects.filter(token=token, revoked_at__isnull=True, expires_at__gt=timezone.now()).first()
    if shared is None:
        raise Http404("This list has expired or does not exist.")
    return shared


def connections_for_organisation(user) -> QuerySet[Connection]:
    """Connections to the editor's organisation's services, where the person agreed to share with it."""
    profile = profile_of(user)
    if role_of(user) != Role.ORGANISATION_EDITOR or profile is None or profile.organisation_id is None:
        return Connection.objects.none()
    return (
        Connection.objects.filter(service__organisation_id=profile.organisation_id)
        .filter(sharing_agreed_with(profile.organisation_id))
        .filter(person__anonymised_at__isnull=True)
        .distinct()
    )


def access_organisation_connections(user) -> list[Connection]:
    connections = list(
        connections_for_organisation(user).select_related("service", "person").order_by("-status_changed_at")
    )
    for connection in connections:
        audit.record(
            user=user,
            action="read",
            what="connection",
            object_id=connection.pk,
            person=connection.person.uuid,
            as_organisation=True,
        )
    return connections


def access_connection(user, person, connection_id: int) -> Connection:
    """A connection of a person the user has already been allowed to open."""
    connection = person.connections.select_related("service").filter(pk=connection_id).first()
    if connection is None:
        refuse(user, "connection", connection_id)
    return connection
