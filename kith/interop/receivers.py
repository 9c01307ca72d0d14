"""What interop does when people's referrals are decided and records closed or erased (kith.people.signals)."""

from kith.interop import outbox
from kith.people import sharing


def referral_decided(sender, referral, **kwargs) -> None:
    if referral.external_system:
        outbox.queue_response(referral.pk, "accepted" if referral.status == "accepted" else "declined")


def record_closed(sender, person, **kwargs) -> None:
    for referral_id in sharing.referrals_from_systems(person.pk):
        outbox.queue_response(referral_id, "closed")


def record_erased(sender, person, **kwargs) -> None:
    outbox.forget_person(sharing.referrals_from_systems(person.pk))
