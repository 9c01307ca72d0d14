"""What's on's job: the weekly digest to each confirmed subscriber."""

from kith.core.jobs import job
from kith.whatson.services import send_digests


@job("send-digests", schedule="0 7 * * 1")  # Mondays
def send_digests_job() -> str:
    sent = send_digests()
    return f"Sent {sent} digest{'s' if sent != 1 else ''}."
