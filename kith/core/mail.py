"""Kith's emails: a template whose first line is the subject, sent once the write that caused it commits."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def render(template: str, context: dict) -> tuple[str, str]:
    subject, _, body = render_to_string(template, {**context, "base": settings.KITH_BASE_URL}).strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def send_on_commit(template: str, context: dict, to: list[str]) -> None:
    """After the transaction commits; a mail server that is down is logged, and the in-app record still holds it."""
    subject, body = render(template, context)

    def send():
        try:
            send_mail(subject, body, None, to)
        except OSError:
            logger.exception("Could not send %s to %d address(es)", template, len(to))

    transaction.on_commit(send)
