"""Enquiries as the pages and emails show them."""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from kith.core.workdays import working_days_between
from kith.directory.presenters import checked_text, distance_text
from kith.enquiries.models import Enquiry
from kith.people.models import BarrierKind


def due(enquiry: Enquiry) -> str:
    return f"{timezone.localtime(enquiry.due_at):%A %-d %B}"


@dataclass
class EnquiryRow:
    enquiry: Enquiry
    uuid: str
    ward: str
    category: str
    need: str
    barriers: list[str]
    asked: str
    asked_by: str
    due: str
    status: str
    late: bool
    turnaround: str


def row(enquiry: Enquiry) -> EnquiryRow:
    asked = timezone.localtime(enquiry.asked_at)
    if enquiry.answered_at:
        days = working_days_between(asked.date(), timezone.localtime(enquiry.answered_at).date())
        on_time = "within" if not enquiry.late else "outside"
        when = "the same day" if days == 0 else f"in {days} working day{'s' if days != 1 else ''}"
        turnaround = f"Answered {when}, {on_time} the target of {settings.KITH_ENQUIRY_WORKING_DAYS} working days"
    else:
        turnaround = f"Answer due by {due(enquiry)}" + (" (late)" if enquiry.late else "")
    kinds = dict(BarrierKind.choices)
    return EnquiryRow(
        enquiry=enquiry,
        uuid=str(enquiry.uuid),
        ward=enquiry.ward.name,
        category=enquiry.category.name if enquiry.category else "Anything",
        need=enquiry.need,
        barriers=[kinds.get(b, b) for b in enquiry.barriers],
        asked=f"{asked:%-d %B %Y, %H:%M}",
        asked_by=enquiry.asked_by.get_full_name() or enquiry.asked_by.username,
        due=due(enquiry),
        status=enquiry.get_outcome_display() if enquiry.outcome else enquiry.get_status_display(),
        late=enquiry.late,
        turnaround=turnaround,
    )


def turnaround(answered: list[Enquiry]) -> str:
    """'9 of 10 answered within 2 working days in the last 90 days' (a count of enquiries, not people)."""
    if not answered:
        return ""
    on_time = sum(not e.late for e in answered)
    return (
        f"{on_time} of {len(answered)} answered within {settings.KITH_ENQUIRY_WORKING_DAYS} working days "
        "in the last 90 days."
    )


def hit_reasons(hit) -> list[str]:
    reasons = [distance_text(hit.distance_m)] if hit.distance_m is not None else []
    reasons.append(checked_text(hit.last_checked).replace("Checked ", "checked "))
    return reasons


@dataclass
class AnswerCard:
    """One listing in an answer, as a professional needs it to pass on: what, when, where, cost, how far."""

    uuid: str
    name: str
    organisation: str
    description: str
    when: list[str]
    cost: str
    where: str
    distance: str


def answer_cards(enquiry: Enquiry, listings) -> list[AnswerCard]:
    """The answer's listings with their days, cost and distance from the middle of the ward."""
    from kith.directory.presenters import cost_text, public_distance_text, when_text
    from kith.directory.public import public_place
    from kith.geo.distance import haversine_m

    cards = []
    for service in listings:
        placements = list(service.service_at_locations.all())
        location = placements[0].location if placements else None
        place = public_place(location)
        metres = None
        if location is not None and location.latitude is not None:
            metres = float(
                haversine_m(enquiry.ward.centroid_lon, enquiry.ward.centroid_lat, location.longitude, location.latitude)
            )
        cards.append(
            AnswerCard(
                uuid=str(service.uuid),
                name=service.name,
                organisation=service.organisation.name,
                description=service.description,
                when=when_text(service, location),
                cost=cost_text(service),
                where=place.text if place else "",
                distance=f"{public_distance_text(metres, location)} from the middle of {enquiry.ward.name}"
                if metres is not None
                else "",
            )
        )
    return cards
