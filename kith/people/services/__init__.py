"""Writes to people's records: keyword-only, atomic, audited, and safe against lost updates.

`records` holds the record and its parts; `referrals` the referrals that arrive in a team's queue.
"""

from kith.people.services.records import *  # noqa: F403
from kith.people.services.referrals import *  # noqa: F403
