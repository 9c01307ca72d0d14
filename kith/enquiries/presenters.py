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
