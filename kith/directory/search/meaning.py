"""From a person's words to what they mean: British spellings, stems, and the wants everyday phrases name.

The phrases are data: each want's `everyday` list and its own name in `what_matters.json`, and OpenActive's
activity labels for the wants they map to. A phrase names its want when every word of it that carries meaning
is somewhere in the query, in any form ("walks" for "walking", "libraries" for "library"). Pure: no database;
the vocabulary is read once per process.
"""

import json
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

import snowballstemmer

from kith.directory.search.fulltext import MAX_TERMS, query_terms
from kith.directory.taxonomy import DATA_DIR, OPENACTIVE_WANTS

_WORDS = json.loads((DATA_DIR / "search_words.json").read_text(encoding="utf-8"))
# Words that carry no meaning of their own in a search (see the data file's description).
LITTLE_WORDS = frozenset(_WORDS["little_words"])
# American spellings read as the British ones listings use.
BRITISH = _WORDS["british_spellings"]

_stemmer = snowballstemmer.stemmer("english")
_APOSTROPHE = re.compile(r"['’]s\b|['’]")


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def words_of(text: str, limit: int = MAX_TERMS) -> list[str]:
    """The query's words, lower-case and in British spelling ("men's" is "mens", "can't" is "cant")."""
    joined = _APOSTROPHE.sub(lambda m: "s" if len(m.group()) > 1 else "", text)
    return [BRITISH.get(w, w) for w in query_terms(joined, limit)]


def content_words(words: list[str]) -> list[str]:
    """The words that carry meaning, each once, in the order typed."""
    return list(dict.fromkeys(w for w in words if w not in LITTLE_WORDS and (len(w) > 1 or w.isdigit())))


@dataclass(frozen=True)
class Phrase:
    text: str
    stems: frozenset[str]  # of the words that carry meaning
    sequence: tuple[str, ...]  # stems of every word, little ones too
    want: str

    def strength(self, query: tuple[str, ...]) -> int:
        """How specifically it matches: its length in words where the query holds it word for word."""
        n = len(self.sequence)
        if any(query[i : i + n] == self.sequence for i in range(len(query) - n + 1)):
            return n
        return len(self.stems)


@dataclass(frozen=True)
class Meaning:
    """What a query says: its words that carry meaning, and which of them name which wants."""

    words: tuple[str, ...]  # content words, British spelling, as listings must contain them
    # want code → positions in `words` that its phrases cover; the finest want wins a word its parent also names
    wants: dict[str, frozenset[int]] = field(default_factory=dict)
    said: dict[str, str] = field(default_factory=dict)  # want code → the phrase that named it

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Vocabulary:
    phrases: tuple[Phrase, ...]
    by_stem: dict[str, tuple[int, ...]]  # stem → the phrases holding it

    @classmethod
    def from_phrases(cls, phrases: list[tuple[str, str]]) -> "Vocabulary":
        """From (phrase, want code) pairs; a phrase of little words only is left out (it would name anything)."""
        kept, seen = [], set()
        for text, want in phrases:
            words = words_of(text)
            stems = frozenset(stem(w) for w in content_words(words))
            sequence = tuple(stem(w) for w in words)
            if stems and (sequence, want) not in seen:
                seen.add((sequence, want))
                kept.append(Phrase(text, stems, sequence, want))
        by_stem: dict[str, list[int]] = {}
        for i, phrase in enumerate(kept):
            for s in phrase.stems:
                by_stem.setdefault(s, []).append(i)
        return cls(tuple(kept), {s: tuple(ids) for s, ids in by_stem.items()})

    def words(self) -> list[str]:
        """Every word of every phrase, for reading a misspelling as the word meant."""
        return [w for p in self.phrases for w in words_of(p.text)]

    def knows(self, word: str) -> bool:
        return stem(word) in self.by_stem

    def understand(self, text: str, limit: int = MAX_TERMS) -> Meaning:
        """Each word goes to the wants whose most specific matching phrase holds it: "get out of the house"
        says more about "house" than "housing" does, and "walking" in "dog walking" stays with walking.

        Words of little words only ("help", "support group") are searched for as they are."""
        typed = words_of(text, limit)
        words = content_words(typed) or list(dict.fromkeys(w for w in typed if len(w) > 1 or w.isdigit()))
        sequence = tuple(stem(w) for w in typed)
        stems = [stem(w) for w in words]
        positions: dict[str, list[int]] = {}  # "walk" and "walks" are one stem at two places
        for i, s in enumerate(stems):
            positions.setdefault(s, []).append(i)
        best: dict[int, tuple[int, dict[str, Phrase]]] = {}  # position → (strength, want → phrase)
        for i in {i for s in stems for i in self.by_stem.get(s, ())}:
            phrase = self.phrases[i]
            if not phrase.stems <= positions.keys():
                continue
            strength = phrase.strength(sequence)
            for p in (p for s in phrase.stems for p in positions[s]):
                top, named = best.get(p, (0, {}))
                if strength > top:
                    best[p] = (strength, {phrase.want: phrase})
                elif strength == top:
                    held = named.get(phrase.want)
                    if held is None or (len(phrase.sequence), phrase.text) > (len(held.sequence), held.text):
                        named[phrase.want] = phrase
        covers: dict[str, set[int]] = {}
        said: dict[str, Phrase] = {}
        for p, (_, named) in best.items():
            for want, phrase in named.items():
                if any(other.startswith(want + "/") for other in named):
                    continue  # a word a finer want names is not also its parent's
                covers.setdefault(want, set()).add(p)
                if want not in said or len(phrase.sequence) > len(said[want].sequence):
                    said[want] = phrase
        wants = {w: frozenset(c) for w, c in covers.items()}
        return Meaning(tuple(words), wants, {w: said[w].text for w in wants})


@cache
def _what_matters() -> dict:
    return json.loads((DATA_DIR / "what_matters.json").read_text(encoding="utf-8"))


def what_matters_phrases() -> list[tuple[str, str]]:
    """(phrase, want) from the wants' names (each part of "Crafts and knitting"), their everyday phrases,
    and OpenActive's activity labels: as the want Kith maps the activity to, or as "being active" where no
    word of the label means another want ("House" is a dance, but people who type it mean housing)."""
    spec = _what_matters()
    found = []
    for top in spec["terms"]:
        for term in [top, *top["children"]]:
            found.extend((part, term["code"]) for part in re.split(r",| and ", term["name"]) if part.strip())
            found.extend((phrase, term["code"]) for phrase in term.get("everyday", []))
    elsewhere = {
        stem(w) for phrase, want in found if not want.startswith("active") for w in content_words(words_of(phrase))
    }
    activity = json.loads((DATA_DIR / "activity-list.jsonld").read_text(encoding="utf-8"))
    concepts = {c["id"]: c for c in activity["concept"]}
    for concept in concepts.values():
        node, seen, want = concept, 0, None
        while node is not None and want is None and seen < 20:
            want = OPENACTIVE_WANTS.get(node["prefLabel"])
            broader = [concepts[b] for b in node.get("broader", []) if b in concepts]
            node, seen = (broader[0] if broader else None), seen + 1
        for label in [concept["prefLabel"], *concept.get("altLabel", [])]:
            if want or not {stem(w) for w in content_words(words_of(label))} & elsewhere:
                found.append((label, want or "active"))
    return found


@cache
def want_names() -> dict[str, str]:
    """Every "what matters" want's code → its name, as people read it."""
    spec = _what_matters()
    return {t["code"]: t["name"] for top in spec["terms"] for t in [top, *top["children"]]}


@cache
def vocabulary() -> Vocabulary:
    return Vocabulary.from_phrases(what_matters_phrases())


@lru_cache(maxsize=2048)
def understand(text: str, limit: int = MAX_TERMS) -> Meaning:
    """`limit`: how many words to read; a query's first 12, more for a person's or a need's own words."""
    return vocabulary().understand(text, limit)
