"""The connected systems' jobs: sending responses to referrers (kith.interop.outbox)."""

import datetime as dt

from kith.core.jobs import job
from kith.interop import outbox


@job("send-responses", schedule="* * * * *", limit=dt.timedelta(minutes=30))
def send_responses() -> str:
    """Send the responses due: those queued since, and those a referrer could not take before."""
    sent = outbox.deliver()
    return f"Sent {sent} response(s) to referrers; {outbox.waiting()} waiting."


@job("send-responses-now", guarded=False)  # each response is claimed as it is sent: runs side by side are safe
def send_responses_now(ids: list[int]) -> str:
    return f"Sent {outbox.deliver(ids)} response(s) to referrers."
