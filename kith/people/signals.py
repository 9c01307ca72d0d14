"""What happens to people's referrals and records, for higher apps to act on (lower apps never import them).

Sent inside the change's transaction, so a receiver's writes commit or roll back with it.
"""

from django.dispatch import Signal

referral_decided = Signal()  # referral=: accepted or declined by a link worker
record_closed = Signal()  # person=: the record left the caseload
record_erased = Signal()  # person=: identifiers removed (erasure or retention); nothing more may be sent
