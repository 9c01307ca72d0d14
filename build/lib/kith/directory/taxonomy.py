"""Load Kith's "what matters" vocabulary and the OpenActive Activity List as HSDS taxonomies.

Written against model classes passed in, so that a data migration can use its historical models
and the `kith load-taxonomy` command the current ones. Upserts by HSDS id: running it twice
changes nothing.
"""

import json
import uuid
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
NAMESPACE = uuid.UUID("6f1c1f0e-5b8f-4c2e-9a53-6b0d1b4e8a11")
WHAT_MATTERS = "kith-what-matters"
OPENACTIVE = "openactive-activity-list"
ACTIVITY_PARENT_CODE = "active"


def kith_uuid(kind: str, code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{code}")


def load_taxonomies(Taxonomy, TaxonomyTerm) -> dict[str, int]:
    """Create or update both taxonomies; return the number of terms in each."""
    spec = json.loads((DATA_DIR / "what_matters.json").read_text(encoding="utf-8"))
    what_matters, _ = Taxonomy.objects.update_or_create(
        uuid=kith_uuid("taxonomy", WHAT_MATTERS),
        defaults={
            "name": spec["name"],
            "description": spec["description"],
            "uri": spec["uri"],
            "version": spec["version"],
            "source": "kith",
            "source_id": WHAT_MATTERS,
        },
    )
    terms = {}
    for position, top in enumerate(spec["terms"], start=1):
        parent = _term(TaxonomyTerm, what_matters, top, None, position)
        terms[top["code"]] = parent
        for child_position, child in enumerate(top["children"], start=1):
            terms[child["code"]] = _term(TaxonomyTerm, what_matters, child, parent, child_position)

    activity = json.loads((DATA_DIR / "activity-list.jsonld").read_text(encoding="utf-8"))
    openactive, _ = Taxonomy.objects.update_or_create(
        uuid=kith_uuid("taxonomy", OPENACTIVE),
        defaults={
            "name": activity["title"],
            "description": activity["description"],
            "uri": activity["id"],
            "version": "",
            "source": "openactive",
            "source_id": OPENACTIVE,
        },
    )
    concepts = {c["id"]: c for c in activity["concept"]}
    created: dict[str, object] = {}

    def ensure(concept_id: str):
        # Parents first: a concept's broader concept, or Kith's "being active" at the top.
        if concept_id in created:
            return created[concept_id]
        concept = concepts[concept_id]
        broader = [b for b in concept.get("broader", []) if b in concepts]
        parent = ensure(broader[0]) if broader else terms[ACTIVITY_PARENT_CODE]
        term, _ = TaxonomyTerm.objects.update_or_create(
            uuid=uuid.UUID(concept["identifier"]),
            defaults={
                "taxonomy": openactive,
                "code": concept.get("notation") or concept["identifier"],
                "name": concept["prefLabel"],
                "description": concept.get("definition", ""),
                "parent": parent,
                "term_uri": concept["id"],
                "language": "en",
                "source": "openactive",
                "source_id": concept["id"],
            },
        )
        created[concept_id] = term
        return term

    for concept_id in sorted(concepts, key=lambda c: concepts[c]["prefLabel"]):
        ensure(concept_id)
    return {WHAT_MATTERS: len(terms), OPENACTIVE: len(created)}


def _term(TaxonomyTerm, taxonomy, spec, parent, position):
    term, _ = TaxonomyTerm.objects.update_or_create(
        uuid=kith_uuid("term", spec["code"]),
        defaults={
            "taxonomy": taxonomy,
            "code": spec["code"],
            "name": spec["name"],
            "description": spec["description"],
            "parent": parent,
            "position": position,
            "language": "en",
            "source": "kith",
            "source_id": spec["code"],
        },
    )
    return term
