"""What a cost written in words means for the "free" filter and the structured cost options."""

import re
from decimal import Decimal

PRICE = re.compile(r"£\s*(\d+(?:\.\d{1,2})?)|(\d+(?:\.\d{1,2})?)\s*p\b", re.I)
FREE = re.compile(r"^\s*(free|no charge|no cost)\b", re.I)


def amounts_in(text: str) -> list[Decimal] | None:
    """The amounts a cost in words states: [0] for free, the prices it names, or None when it names none.

    "Free; donations welcome" is free; "£3 a session, £2 concessions" is [3, 2]; "Donations welcome" and
    "Ask about costs" state nothing, so the listing is neither free nor priced until someone says.
    """
    if FREE.match(text or ""):
        return [Decimal(0)]
    found = []
    for pounds, pence in PRICE.findall(text or ""):
        found.append(Decimal(pounds) if pounds else Decimal(pence) / 100)
    return found or None
