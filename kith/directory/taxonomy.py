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
# Which of Kith's "being active" wants an OpenActive activity is, by the activity's label or that of
# its nearest broader activity that is listed here (so Chair Yoga < Yoga is gentle exercise, Walking
# Football < Football is sport). Activities under none of these are "being active" and nothing finer.
OPENACTIVE_WANTS = {
    "Walking": "active/walking",
    "Swimming": "active/swimming",
    "Water-Based Classes": "active/swimming",
    "Cycling": "active/cycling",
    "Mountain Biking": "active/cycling",
    "Gym Workout": "active/gym",
    "Weightlifting": "active/gym",
    "Crossfit": "active/gym",
    "Strength and Conditioning": "active/gym",
    "General Fitness for Older Adults": "active/gentle-exercise",
    "Chair Based Exercise": "active/gentle-exercise",
    "Falls and Exercise Management": "active/gentle-exercise",
    "Flexibility/Stretching": "active/gentle-exercise",
    "Power Assisted Exercise": "active/gentle-exercise",
    "Pilates": "active/gentle-exercise",
    "Tai Chi": "active/gentle-exercise",
    "Yoga": "active/gentle-exercise",
    **{
        sport: "active/sport"
        for sport in (
            "Athletics", "Badminton", "Basketball", "Boccia", "Bowls", "Boxing", "Cricket", "Football", "Golf",
            "Hockey", "Martial Arts", "Multisports", "Netball", "Pickleball", "Rounders", "Rugby", "Running",
            "Squash", "Table Tennis", "Tennis", "Volleyball",
        )
    },
}  # fmt: skip


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
