"""Every email goes through the outbox: none lost when the mail server is down, none for a rolled-back change."""

import datetime as dt
import subprocess
import sys

import pytest
from django.core import mail as outbox
from django.db import transaction
from django.utils import timezone

from kith.core import mail
from kith.core.models import OutboxEmail
from tests.live import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_server_down(settings):
    """A real SMTP client against a port nothing listens on: the connection is refused, as when the server is down."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    settings.EMAIL_USE_TLS = False
    return settings


def test_an_email_leaves_once_its_change_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mail.queue("Your enquiry", "Hello", ["gp@example.nhs.uk"])
        assert outbox.outbox == []  # not before the change commits
    assert [m.subject for m in outbox.outbox] == ["Your enquiry"]
    assert OutboxEmail.objects.get().sent_at is not None


def test_no_email_for_a_change_that_rolled_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        mail.queue("Never", "Rolled back", ["someone@example.org"])
        raise RuntimeError("the change failed")
    assert outbox.outbox == [] and not OutboxEmail.objects.exists()


def test_a_refused_email_waits_and_is_sent_once_when_the_server_is_back(mail_server_down):
    pk = mail.queue("Reminder", "Check your listings", ["editor@example.org"], send_soon=False)
    assert mail.deliver() == 0
    email = OutboxEmail.objects.get(pk=pk)
    assert email.sent_at is None and email.attempts == 1 and email.last_error
    assert email.next_attempt_at > timezone.now()
    assert mail.deliver() == 0 and OutboxEmail.objects.get(pk=pk).attempts == 1  # not due yet: not tried

    mail_server_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = timezone.now() + dt.timedelta(minutes=2)
    assert mail.deliver(now=later) == 1
    assert mail.deliver(now=later + dt.timedelta(hours=1)) == 0  # sent: never again
    assert [m.to for m in outbox.outbox] == [["editor@example.org"]]
    assert mail.waiting() == 0


def test_after_the_last_try_an_email_waits_for_a_person(mail_server_down):
    pk = mail.queue("Digest", "This week", ["reader@example.org"], send_soon=False)
    when = timezone.now()
    for _ in range(len(mail.RETRY_AFTER) + 3):
        mail.deliver(now=when)
        when += dt.timedelta(days=1)
    assert OutboxEmail.objects.get(pk=pk).attempts == len(mail.RETRY_AFTER) + 1
    assert mail.waiting() == 1


def test_two_senders_send_an_email_once():
    pk = mail.queue("Once", "Only once", ["a@example.org"], send_soon=False)
    email = OutboxEmail.objects.get(pk=pk)
    # The second sender read the email as due before the first claimed it: its claim must fail.
    assert mail.deliver([pk]) == 1
    stale = OutboxEmail.objects.filter(pk=pk, sent_at__isnull=True, attempts=email.attempts)
    assert not stale.exists() and len(outbox.outbox) == 1


def test_sent_emails_are_forgotten_after_a_week():
    pk = mail.queue("Old", "Sent long ago", ["a@example.org"], send_soon=False)
    mail.deliver([pk])
    OutboxEmail.objects.filter(pk=pk).update(sent_at=timezone.now() - dt.timedelta(days=8))
    mail.deliver()
    assert not OutboxEmail.objects.filter(pk=pk).exists()


def test_kith_send_mail_says_what_it_did(tmp_path):
    env = {
        "KITH_SECRET_KEY": "outbox-test-secret-key-0123456789-abcdefghij",
        "KITH_BASE_URL": "http://127.0.0.1:8000",
        "KITH_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kith.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "kith.config.settings",
        "PATH": "/usr/bin:/bin",
    }
    kith = [sys.executable, "-m", "kith.cli"]
    assert subprocess.run([*kith, "migrate"], env=env, capture_output=True).returncode == 0
    done = subprocess.run([*kith, "send-mail"], env=env, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "Sent 0 email(s); 0 waiting.", done.stderr
