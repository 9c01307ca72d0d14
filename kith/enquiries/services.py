"""Asking and answering enquiries, and logging searches that found nothing. All writes are here."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from kith.accounts.models import Role
from kith.enquiries.models import Enquiry, UnmetSearch
from kith.enquiries.privacy import identifying_details
from kith.enquiries.workdays import add_working_days

logger = logging.getLogger(__name__)


def _send(messages) -> None:
    """Send after the write committed; a mail server that is down is logged, and the in-app queue still holds it."""
    try:
        send_mass_mail(messages)
    except OSError:
        logger.exception("Could not send %d enquiry email(s)", len(messages))


class EnquiryError(ValueError):
    """An enquiry or answer that cannot be taken; str(error) says why."""


def routed_to(ward) -> list:
    """Link workers assigned to the ward; else the team members covering it; else every lead."""
    users = get_user_model().objects.filter(is_active=True)
    for scope in (
        users.filter(profile__role=Role.LINK_WORKER, profile__neighbourhoods=ward),
        users.filter(profile__role__in=[Role.LINK_WORKER, Role.LEAD], profile__team__wards=ward),
        users.filter(profile__role=Role.LEAD),
    ):
        found = list(scope.distinct().order_by("username"))
        if found:
            return found
    return []


def _email(template: str, context: dict, recipients: list[str]):
    subject, _, body = render_to_string(template, context).strip().partition("\n")
    return (subject.strip(), body.strip() + "\n", None, recipients)


def ask(*, user, ward, category, need: str, barriers: list[str]) -> Enquiry:
    need = need.strip()
    if not need:
        raise EnquiryError("Describe the need.")
    found = identifying_details(need)
    if found:
        raise EnquiryError(f"Leave out anything that could identify the person: this looks like {' and '.join(found)}.")
    now = timezone.now()
    with transaction.atomic():
        enquiry = Enquiry.objects.create(
            asked_by=user,
            ward=ward,
            category=category,
            need=need[:1000],
            barriers=sorted(set(barriers)),
            asked_at=now,
            due_at=add_working_days(timezone.localtime(now), settings.KITH_ENQUIRY_WORKING_DAYS),
        )
        answerers = routed_to(ward)
        enquiry.routed_to.set(answerers)
        emails = [u.email for u in answerers if u.email]
        if emails:
            message = _email("enquiries/email_new.txt", {"enquiry": enquiry, "base": settings.KITH_BASE_URL}, emails)
            transaction.on_commit(lambda: _send([message]))
    return enquiry


def answer(*, user, enquiry: Enquiry, services: list, note: str, outcome: str) -> Enquiry:
    if enquiry.status == Enquiry.Status.ANSWERED:
        raise EnquiryError("This enquiry has been answered already.")
    if outcome not in Enquiry.Outcome.values:
        raise EnquiryError("Say whether you found something suitable.")
    if outcome == Enquiry.Outcome.FOUND and not services:
        raise EnquiryError("Choose at least one listing, or say that nothing suitable is within reach.")
    if not note.strip() and not services:
        raise EnquiryError("Add a note to say what you looked for.")
    with transaction.atomic():
        enquiry.status, enquiry.outcome = Enquiry.Status.ANSWERED, outcome
        enquiry.answered_by, enquiry.answered_at = user, timezone.now()
        enquiry.answer = note.strip()[:3000]
        enquiry.save(update_fields=["status", "outcome", "answered_by", "answered_at", "answer"])
        enquiry.listings.set(services)
        if enquiry.asked_by.email:
            message = _email(
                "enquiries/email_answered.txt",
                {"enquiry": enquiry, "listings": services, "base": settings.KITH_BASE_URL},
                [enquiry.asked_by.email],
            )
            transaction.on_commit(lambda: _send([message]))
    return enquiry


def log_unmet_search(*, words: str, category: str, area) -> None:
    """Keep what a public search asked for and where, when it found nothing; nothing about who."""
    if not (words or category):
        return
    UnmetSearch.objects.create(words=words[:200], category=category[:120], area=area)
