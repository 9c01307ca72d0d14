"""Enquiries are about a need, never a person: spot details that could identify someone."""

import re

# Each: (pattern, what it looks like, in words for the professional).
CHECKS = [
    (re.compile(r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b"), "an NHS number or a phone number"),
    (re.compile(r"\b(?:\+44\s?|0)7\d{3}\s?\d{6}\b"), "a mobile number"),
    (re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b"), "an email address"),
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I), "a full postcode"),
    (re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}\b"), "a date of birth"),
    (re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-z]+"), "a name with a title"),
    (re.compile(r"\bborn (?:in |on )?(?:19|20)\d{2}\b", re.I), "a year of birth"),
]


def identifying_details(text: str) -> list[str]:
    """What in the text could identify a person, in words; empty when there is nothing."""
    return [label for pattern, label in CHECKS if pattern.search(text)]
