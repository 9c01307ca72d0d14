"""Reads for matching that reach beyond a care team: shared lists and organisations' connections."""

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kith.accounts.models import Role
from kith.accounts.roles import profile_of, role_of
from kith.core import audit
from kith.matching.models import Connection, ConnectionStatus, ShareableList
from kith.people.access import counted_in_insight, refuse, sharing_agreed_with
from kith.people.models import Instrument, Occasion, WellbeingScore


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


def outcomes_by_ward(*, now=None) -> dict[str, dict]:
    """Per home ward, for people counted in insight: people with a connection, people with one still going
    after 8 weeks, and each person's SWEMWBS change (first baseline to latest follow-up). Unrounded: every
    figure here is about people, so callers publish it through disclosure control."""
    now = now or timezone.now()
    counted = counted_in_insight().filter(ward__isnull=False).values("pk")
    result: dict[str, dict] = {}
    for ward, connected, sustained in (
        Connection.objects.filter(person__in=counted)
        .order_by()
        .values("person__ward_id")
        .annotate(
            connected=Count("person", distinct=True),
            sustained=Count(
                "person",
                distinct=True,
                filter=Q(status=ConnectionStatus.ATTENDING, status_changed_at__lte=now - dt.timedelta(weeks=8)),
            ),
        )
        .values_list("person__ward_id", "connected", "sustained")
    ):
        result[ward] = {"connected": connected, "sustained": sustained, "changes": []}
    first: dict[int, tuple] = {}
    latest: dict[int, tuple] = {}
    wards: dict[int, str] = {}
    for person, ward, occasion, taken_on, metric in (
        WellbeingScore.objects.filter(person__in=counted, instrument=Instrument.SWEMWBS, swemwbs_metric__isnull=False)
        .order_by("taken_on", "id")
        .values_list("person_id", "person__ward_id", "occasion", "taken_on", "swemwbs_metric")
    ):
        wards[person] = ward
        if occasion == Occasion.BASELINE:
            first.setdefault(person, (taken_on, float(metric)))
        else:
            latest[person] = (taken_on, float(metric))
    for person, (taken_on, metric) in latest.items():
        if person in first and taken_on > first[person][0]:
            entry = result.setdefault(wards[person], {"connected": 0, "sustained": 0, "changes": []})
            entry["changes"].append(metric - first[person][1])
    return result
