"""Asking and answering enquiries, and logging searches that found nothing. All writes are here."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kith.accounts.models import Role
from kith.core.mail import send_on_commit
from kith.core.workdays import answer_due
from kith.enquiries.models import Enquiry, UnmetSearch
from kith.enquiries.privacy import identifying_details


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
            due_at=answer_due(timezone.localtime(now), settings.KITH_ENQUIRY_WORKING_DAYS),
        )
        answerers = routed_to(ward)
        enquiry.routed_to.set(answerers)
        emails = [u.email for u in answerers if u.email]
        if emails:
            send_on_commit("enquiries/email_new.txt", {"enquiry": enquiry}, emails)
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
            send_on_commit(
                "enquiries/email_answered.txt", {"enquiry": enquiry, "listings": services}, [enquiry.asked_by.email]
            )
    return enquiry


def log_unmet_search(*, words: str, category: str, area) -> None:
    """Keep what a public search asked for and where, when it found nothing; nothing about who."""
    if not (words or category):
        return
    UnmetSearch.objects.create(words=words[:200], category=category[:120], area=area)
