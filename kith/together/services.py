"""Opening group opportunities, moving them on, contacting the pool, and turning a running group into a listing."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kith.accounts.roles import profile_of
from kith.core import audit
from kith.directory import services as directory
from kith.directory.models import (
    Address,
    Attribute,
    CostOption,
    ListingCheck,
    Location,
    Organisation,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
)
from kith.geo.coverage import county_of
from kith.geo.lookup import PlaceNotFound, find_postcode
from kith.matching import services as matching
from kith.together.models import STAGE_ORDER, GroupOpportunity, OpportunityEvent, Path, PoolContact, Stage, Task

SOURCE = "kith-group"


class GroupError(ValueError):
    """A step that cannot be taken; str(error) says why."""


def _event(opportunity, user, text: str) -> None:
    OpportunityEvent.objects.create(opportunity=opportunity, by=user, text=text[:1000])


@transaction.atomic
def open_opportunity(*, user, ward, category, title: str, path: str, partner=None, pool_size: int = 0):
    profile = profile_of(user)
    if profile is None or profile.team_id is None:
        raise GroupError("Only a member of a team can open a group opportunity.")
    if path not in Path.values:
        raise GroupError("Choose how the group will run.")
    if path == Path.PARTNER and partner is None:
        raise GroupError("Choose the local organisation that will run it with you.")
    if not title.strip():
        raise GroupError("Give the group a working title.")
    opportunity = GroupOpportunity.objects.create(
        team_id=profile.team_id,
        ward=ward,
        category=category,
        title=title.strip()[:200],
        path=path,
        partner=partner if path == Path.PARTNER else None,
        opened_by=user,
    )
    _event(opportunity, user, f"Opened from a pool of {pool_size} people: {opportunity.get_path_display().lower()}.")
    return opportunity


@transaction.atomic
def move_stage(*, user, opportunity: GroupOpportunity, stage: str) -> None:
    """One step on or back at a time, so the record tells the group's story."""
    if stage not in STAGE_ORDER:
        raise GroupError("Choose a stage from the list.")
    step = STAGE_ORDER.index(stage) - STAGE_ORDER.index(opportunity.stage)
    if abs(step) != 1:
        raise GroupError("Move one stage at a time.")
    if stage == Stage.HANDED_OVER and opportunity.listing_id is None:
        raise GroupError("Make the running group a listing before you hand it over.")
    before = opportunity.get_stage_display()
    opportunity.stage, opportunity.stage_changed_at = stage, timezone.now()
    opportunity.save(update_fields=["stage", "stage_changed_at"])
    _event(opportunity, user, f"Stage: {before} → {opportunity.get_stage_display()}.")


def add_note(*, user, opportunity, text: str) -> None:
    if not text.strip():
        raise GroupError("Write the note first.")
    _event(opportunity, user, f"Note: {text.strip()}")


@transaction.atomic
def add_task(*, user, opportunity, text: str, due_on: dt.date | None) -> Task:
    if not text.strip():
        raise GroupError("Say what needs doing.")
    task = Task.objects.create(opportunity=opportunity, text=text.strip()[:300], due_on=due_on)
    _event(opportunity, user, f"Task added: {task.text}")
    return task


@transaction.atomic
def complete_task(*, user, task: Task) -> None:
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        _event(task.opportunity, user, f"Task done: {task.text}")


@transaction.atomic
def record_contact(*, user, opportunity, person, method: str, outcome: str, note: str = "") -> PoolContact:
    """`person` comes from access_pool_member, which checks they are the team's and agreed to be contacted."""
    if method not in PoolContact.Method.values or outcome not in PoolContact.Outcome.values:
        raise GroupError("Say how you contacted them and how it went.")
    contact = PoolContact.objects.create(
        opportunity=opportunity, person=person, by=user, method=method, outcome=outcome, note=note.strip()[:300]
    )
    audit.record(
        user=user, action="create", what="group contact", object_id=contact.pk, person=person.uuid, outcome=outcome
    )
    return contact


def check_can_list(opportunity: GroupOpportunity) -> None:
    if opportunity.listing_id is not None:
        raise GroupError("This group is a listing already.")
    if opportunity.stage not in (Stage.RUNNING, Stage.HANDED_OVER):
        raise GroupError("A group becomes a listing once it is running.")


@transaction.atomic
def make_listing(
    *,
    user,
    opportunity: GroupOpportunity,
    name: str,
    description: str,
    byday: str,
    opens_at: dt.time,
    closes_at: dt.time | None,
    venue: str,
    postcode: str,
    cost: Decimal | None,
    phone: str = "",
    email: str = "",
) -> Service:
    """The running group as a directory listing, started through Kith; the interested people get a connection."""
    check_can_list(opportunity)
    try:
        point = find_postcode(postcode)
    except PlaceNotFound as error:
        raise GroupError(str(error)) from None
    if opportunity.path == Path.PARTNER and opportunity.partner_id:
        organisation = opportunity.partner
    else:
        organisation = Organisation.objects.create(name=name, description=description, source=SOURCE)
    if not (phone.strip() or email.strip()):
        raise GroupError("Give a phone number or an email address, so people can get in touch before they go.")
    service = Service.objects.create(
        organisation=organisation,
        name=name,
        description=description,
        email=email.strip(),
        source=SOURCE,
        source_id=str(opportunity.uuid),
    )
    if phone.strip():
        Phone.objects.create(service=service, number=phone.strip())
    location = Location(name=venue, latitude=point.lat, longitude=point.lon, source=SOURCE)
    directory.place_locations([location])
    location.save()
    Address.objects.create(
        location=location, address_1=venue, state_province=county_of(location.local_authority_id),
        postal_code=point.postcode,
    )  # fmt: skip
    ServiceAtLocation.objects.create(service=service, location=location)
    Schedule.objects.create(service=service, freq="WEEKLY", byday=byday, opens_at=opens_at, closes_at=closes_at)
    if cost is not None:
        CostOption.objects.create(service=service, amount=cost)
    Attribute.objects.create(
        taxonomy_term=opportunity.category, link_entity="service", link_id=service.uuid, link_type="category"
    )
    ListingCheck.objects.create(
        service=service, checked_at=timezone.now(), checked_by=user, checked_by_role="link worker",
        method=ListingCheck.Method.VISITED, note="Started through Kith",
    )  # fmt: skip
    opportunity.listing = service
    opportunity.save(update_fields=["listing"])
    interested = {c.person for c in opportunity.contacts.filter(outcome=PoolContact.Outcome.INTERESTED)}
    for person in interested:
        matching.connect(user=user, person=person, services=[service])
    people_word = "person who was" if len(interested) == 1 else "people who were"
    _event(
        opportunity, user, f"Listed in the directory as {name}; {len(interested)} {people_word} interested connected."
    )
    directory.services_changed(service_ids=[service.pk])
    return service
