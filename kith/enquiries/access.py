"""Which enquiries a signed-in user may see and answer: scoped queries, never a bare `objects.all()`."""

import uuid as uuid_module

from django.db.models import Q, QuerySet

from kith.accounts.models import Role
from kith.accounts.roles import CARE, profile_of, role_of
from kith.enquiries.models import Enquiry
from kith.people.access import refuse

ANSWERERS = CARE


def covered_wards(user) -> list[str]:
    """The wards a link worker or lead answers for: their neighbourhoods, and their team's wards."""
    profile = profile_of(user)
    if profile is None:
        return []
    wards = set(profile.neighbourhoods.values_list("code", flat=True))
    if profile.team_id:
        wards |= set(profile.team.wards.values_list("code", flat=True))
    return sorted(wards)


def answerable_by(user) -> QuerySet[Enquiry]:
    role = role_of(user)
    if role == Role.ADMINISTRATOR:
        return Enquiry.objects.all()
    if role in (Role.LINK_WORKER, Role.LEAD):
        return Enquiry.objects.filter(Q(routed_to=user) | Q(ward__in=covered_wards(user))).distinct()
    return Enquiry.objects.none()


def visible_to(user) -> QuerySet[Enquiry]:
    if role_of(user) == Role.PROFESSIONAL:
        return Enquiry.objects.filter(asked_by=user)
    return answerable_by(user)


def access_enquiry(user, enquiry_uuid, *, to_answer: bool = False) -> Enquiry:
    try:
        key = uuid_module.UUID(str(enquiry_uuid))
    except ValueError:
        refuse(user, "enquiry", enquiry_uuid)
    scope = answerable_by(user) if to_answer else visible_to(user)
    enquiry = scope.select_related("ward", "category", "asked_by", "answered_by").filter(uuid=key).first()
    if enquiry is None:
        refuse(user, "enquiry", enquiry_uuid)
    return enquiry
