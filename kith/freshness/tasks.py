"""Freshness's job: reminding editors whose listings go stale soon."""

from kith.core.jobs import job
from kith.freshness.reminders import send_reminders


@job("remind-editors", schedule="0 8 * * 1")  # Mondays
def remind_editors() -> str:
    sent = send_reminders(within_days=14)
    return f"Sent {sent} reminder email{'s' if sent != 1 else ''}."
