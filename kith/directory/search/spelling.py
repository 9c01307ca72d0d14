"""Typo tolerance: a word the directory does not know is read as the nearest word it does ("waking" → "walking").

The known words are those of listings' names, the taxonomy's terms and the everyday phrases of the wants,
counted once per index build; a tie between equally near words goes to the one more listings use. Short words
are left alone (one edit turns "gym" into "gem"), and the search only asks for a word that no listing holds.
"""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

_WORD = re.compile(r"[a-z]+")


def allowed_edits(word: str) -> int:
    """How many letters may be wrong: none in a word of up to 3 letters, one up to 6, two beyond."""
    return 0 if len(word) <= 3 else 1 if len(word) <= 6 else 2


@dataclass(frozen=True)
class Spelling:
    known: frozenset[str]
    by_use: tuple[str, ...]  # every known word, the most used first

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> "Spelling":
        counts = Counter(w for text in texts for w in _WORD.findall((text or "").lower()) if len(w) >= 3)
        ordered = tuple(w for w, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])))
        return cls(known=frozenset(ordered), by_use=ordered)

    def joined(self, other: "Spelling") -> "Spelling":
        """These words and, after them, other's new ones: a changed listing's name is known at once."""
        new = tuple(w for w in other.by_use if w not in self.known)
        return self if not new else Spelling(known=self.known | frozenset(new), by_use=self.by_use + new)

    def nearest(self, word: str) -> str | None:
        """The known word nearest to an unknown one, within the edits its length allows; None if none is."""
        edits = allowed_edits(word)
        if word in self.known or not edits or not word.isalpha():
            return None
        found = process.extractOne(word, self.by_use, scorer=OSA.distance, score_cutoff=edits)
        return None if found is None else found[0]
