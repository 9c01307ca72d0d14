"""A GP system stand-in: BaRS referral messages in the shape of the published examples, with Kith's values."""

import copy

from kith.interop.stand_in import VALID_NHS_NUMBER, referral_message

__all__ = ["VALID_NHS_NUMBER", "referral_message", "replaced", "without"]


def without(message: dict, path: list) -> dict:
    """A copy of the message with one element taken out (path of keys and indexes)."""
    changed = copy.deepcopy(message)
    node = changed
    for step in path[:-1]:
        node = node[step]
    del node[path[-1]]
    return changed


def replaced(message: dict, path: list, value) -> dict:
    changed = copy.deepcopy(message)
    node = changed
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return changed
