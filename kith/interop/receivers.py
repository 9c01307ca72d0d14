"""What interop does when people's referrals are decided and records closed (kith.people.signals)."""

from kith.interop import outbox
from kith.interop.models import ReceivedMessage


def referral_decided(sender, referral, **kwargs) -> None:
    if referral.external_system:
        outbox.queue_response(referral.pk, "accepted" if referral.status == "accepted" else "declined")


def record_closed(sender, person, **kwargs) -> None:
    referrals = ReceivedMessage.objects.filter(
        referral__person_id=person.pk, outcome=ReceivedMessage.Outcome.ACCEPTED, reason="new"
    ).values_list("referral_id", flat=True)
    for referral_id in referrals:
        outbox.queue_response(referral_id, "closed")
