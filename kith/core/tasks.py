"""The core's jobs: the email outbox (kith.core.mail)."""

import datetime as dt

from kith.core import mail
from kith.core.jobs import job


@job("send-mail", schedule="* * * * *", limit=dt.timedelta(minutes=30))
def send_mail() -> str:
    """Send the outbox's due emails: the ones queued since, and those the mail server refused before."""
    sent = mail.deliver()
    return f"Sent {sent} email(s); {mail.waiting()} waiting."


@job("send-mail-now", guarded=False)  # each email is claimed as it is sent, so runs side by side are safe
def send_mail_now(ids: list[int]) -> str:
    return f"Sent {mail.deliver(ids)} email(s)."
