"""UK postcode syntax: tidy what people type into the form the ONS files use."""

import re

# Outward code: area letters + district (digit, optional digit or letter); inward: digit + 2 letters.
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_OUTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


class PostcodeSyntaxError(ValueError):
    """Raised for text that cannot be a UK postcode."""


def normalise_postcode(text: str) -> str:
    """'m94dh ' -> 'M9 4DH'; raise PostcodeSyntaxError if it cannot be a full postcode."""
    squashed = re.sub(r"\s+", "", text or "").upper()
    match = _POSTCODE.match(squashed)
    if not match:
        raise PostcodeSyntaxError(f"“{text.strip()[:20]}” is not a full UK postcode, such as M9 4DH.")
    return f"{match.group(1)} {match.group(2)}"


def looks_like_postcode(text: str) -> bool:
    return bool(_POSTCODE.match(re.sub(r"\s+", "", text or "").upper()))


def outcode(postcode: str) -> str:
    """The outward half of a normalised postcode ('M9 4DH' -> 'M9')."""
    head = postcode.split(" ")[0]
    if not _OUTCODE.match(head):
        raise PostcodeSyntaxError(f"{postcode!r} has no outward code.")
    return head
