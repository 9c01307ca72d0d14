"""Reads go through access functions and are audited; writes keep history and never lose updates."""

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.http import Http404

from kith.core.models import AuditEvent
from kith.directory.models import TaxonomyTerm
from kith.people import access
from kith.people import services as people
from kith.people.models import Instrument, Person
from kith.people.wellbeing import WellbeingError
from tests.personas import build_world

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]
PERSON_MODULES = {"kith.people.models", "kith.matching.models"}


@pytest.fixture
def world():
    return build_world()


PERSON_MODELS = {
    "Person", "Want", "Barrier", "Strength", "WellbeingScore", "Consent", "Note", "NoteRevision", "Connection",
    "ConnectionUpdate", "ShareableList", "ShareableListItem", "Referral", "ErasureRequest",
}  # fmt: skip
# ADR 0007: only these read or write person models directly; everything else goes through their functions.
# The demo writes synthetic people's connections, as kith/people/demo.py writes the people.
SANCTIONED = {
    "kith/matching/access.py", "kith/matching/services.py", "kith/matching/models.py", "kith/matching/demo.py",
}  # fmt: skip


def _sanctioned(relative: str) -> bool:
    return relative.startswith("kith/people/") or "/migrations/" in relative or relative in SANCTIONED


def person_model_uses(source: str) -> list[str]:
    """What in this module reaches person models directly: imports of them, and `<Model>.objects`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module in PERSON_MODULES:
            # Choice lists (TextChoices) and CONSTANTS describe fields; they hold no one's data.
            data = sorted(n.name for n in node.names if n.name in PERSON_MODELS)
            if data:
                found.append(f"imports {data} from {node.module}")
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "objects"
            and isinstance(node.value, ast.Name)
            and node.value.id in PERSON_MODELS
        ):
            found.append(f"uses {node.value.id}.objects")
    return found


def test_nothing_outside_people_reads_person_models_directly():
    """All of kith/ reaches people only through kith.people.access and services (ADR 0007)."""
    offenders = []
    for path in sorted(REPO.glob("kith/**/*.py")):
        relative = str(path.relative_to(REPO))
        if not _sanctioned(relative):
            offenders += [f"{relative} {use}" for use in person_model_uses(path.read_text(encoding="utf-8"))]
    assert offenders == []


@pytest.mark.parametrize(
    ("source", "caught"),
    [
        ("from kith.people.models import Person", True),
        ("def f():\n    from kith.matching.models import Connection", True),
        ("Consent.objects.filter(organisation=1)", True),
        ("from kith.people.models import BarrierKind, WantStatus", False),
        ("from kith.people import access\naccess.access_person(user, uuid)", False),
    ],
)
def test_the_person_model_lint_catches_direct_reads(source, caught):
    assert bool(person_model_uses(source)) is caught


@pytest.mark.parametrize(
    ("who", "sees_person", "sees_other"),
    [
        ("link_worker", True, False),
        ("lead", True, False),
        ("other_link_worker", False, True),
        ("administrator", True, True),
        ("professional", False, False),
        ("organisation_editor", False, False),
        ("planner", False, False),
    ],
)
def test_who_may_open_a_record(world, who, sees_person, sees_other):
    user = getattr(world, who)
    for person, allowed in [(world.person, sees_person), (world.other_person, sees_other)]:
        if allowed:
            assert access.access_person(user, person.uuid) == person
        else:
            with pytest.raises(Http404):
                access.access_person(user, person.uuid)


def test_missing_and_forbidden_look_the_same(world):
    with pytest.raises(Http404) as missing:
        access.access_person(world.link_worker, "00000000-0000-0000-0000-000000000000")
    with pytest.raises(Http404) as forbidden:
        access.access_person(world.link_worker, world.other_person.uuid)
    with pytest.raises(Http404):
        access.access_person(world.link_worker, "not-a-uuid")
    assert str(missing.value) == str(forbidden.value)


def test_every_read_is_audited_with_who_what_and_when(world):
    before = AuditEvent.objects.count()
    access.access_person(world.lead, world.person.uuid, purpose="view record")
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.username, event.role, event.action, event.what, event.person) == (
        "lead-north",
        "lead",
        "read",
        "person",
        world.person.uuid,
    )
    assert event.at is not None


def test_a_refused_read_leaves_no_data_but_is_not_a_read(world):
    before = AuditEvent.objects.filter(person=world.other_person.uuid, action="read").count()
    with pytest.raises(Http404):
        access.access_person(world.link_worker, world.other_person.uuid)
    assert AuditEvent.objects.filter(person=world.other_person.uuid, action="read").count() == before


def test_a_professional_sees_only_the_referral_summary_of_their_own_referrals(world):
    summary = access.access_referral(world.professional, world.referral.uuid)
    assert summary.reason == "Lonely since moving; would like to walk." and summary.status == "Accepted"
    assert not hasattr(summary, "date_of_birth") and not hasattr(summary, "what_matters")
    with pytest.raises(Http404):
        access.access_referral(world.other_professional, world.referral.uuid)
    with pytest.raises(Http404):
        access.access_referral(world.link_worker, world.referral.uuid)


def test_the_postcode_is_resolved_to_lsoa_and_ward(world):
    assert (world.person.postcode, world.person.lsoa_id, world.person.ward_id) == ("M9 4DH", "E01005205", "E05011366")
    with pytest.raises(people.RecordError, match="We do not know the postcode M99 9ZZ"):
        people.create_person(
            user=world.link_worker, team=world.north, given_name="A", family_name="B", postcode="M99 9ZZ"
        )


def test_possible_duplicates_are_flagged_before_a_second_record(world):
    details = {
        "given_name": "alex",
        "family_name": "TESTPERSON",
        "date_of_birth": dt.date(1950, 5, 17),
        "postcode": "m94dh",
    }
    with pytest.raises(people.PossibleDuplicates) as flagged:
        people.create_person(user=world.link_worker, team=world.north, **details)
    assert flagged.value.people == [world.person]
    second = people.create_person(user=world.link_worker, team=world.north, confirm_not_duplicate=True, **details)
    assert second.pk != world.person.pk
    event = AuditEvent.objects.filter(person=second.uuid, action="create").get()
    assert event.detail["duplicate_confirmed"] is True


def test_concurrent_edits_never_lose_an_update_silently(world):
    opened_by_one = Person.objects.get(pk=world.person.pk)
    opened_by_two = Person.objects.get(pk=world.person.pk)
    people.update_person(
        user=world.link_worker, person=opened_by_one, version=opened_by_one.version, phone="0161 496 0001"
    )
    with pytest.raises(people.StaleRecord, match="Someone else saved changes"):
        people.update_person(
            user=world.lead, person=opened_by_two, version=opened_by_two.version, phone="0161 496 0002"
        )
    assert Person.objects.get(pk=world.person.pk).phone == "0161 496 0001"


def test_wants_barriers_strengths_and_wellbeing(world):
    walking = TaxonomyTerm.objects.get(code="active/walking")
    people.add_want(user=world.link_worker, person=world.person, term=walking, priority=1, words="get out walking")
    people.set_barriers(user=world.link_worker, person=world.person, kinds={"cost", "mobility"})
    people.set_barriers(user=world.link_worker, person=world.person, kinds={"mobility", "confidence"})
    people.add_strength(user=world.link_worker, person=world.person, kind="skill", words="Used to be a joiner")
    score = people.record_wellbeing(
        user=world.link_worker,
        person=world.person,
        instrument=Instrument.SWEMWBS,
        occasion="baseline",
        taken_on=dt.date(2026, 11, 1),
        answers={f"swemwbs_{i}": 3 for i in range(1, 8)},
    )
    assert (score.swemwbs_raw, str(score.swemwbs_metric)) == (21, "19.25")
    assert set(world.person.barriers.values_list("kind", flat=True)) == {"mobility", "confidence"}
    with pytest.raises(WellbeingError):
        people.record_wellbeing(
            user=world.link_worker,
            person=world.person,
            instrument=Instrument.ONS4,
            occasion="follow-up",
            taken_on=dt.date(2026, 11, 2),
            answers={"anxiety": 11},
        )
    kinds = set(AuditEvent.objects.filter(person=world.person.uuid).values_list("what", flat=True))
    assert {"want", "barriers", "strength", "wellbeing"} <= kinds


def test_note_edits_keep_the_earlier_text(world):
    note = people.add_note(user=world.link_worker, person=world.person, text="Met at the library.")
    people.edit_note(user=world.lead, note=note, text="Met at Harpurhey library.", version=note.version)
    assert note.text == "Met at Harpurhey library." and note.edited_at
    assert list(note.revisions.values_list("text", flat=True)) == ["Met at the library."]


def test_an_objection_removes_the_person_from_insight_until_withdrawn(world):
    assert world.person in access.counted_in_insight()
    objection = people.record_consent(
        user=world.link_worker,
        person=world.person,
        purpose="insight",
        decision="objected",
        method="in-person",
        wording="Can we count you, without your name, in figures about what people here want?",
    )
    assert world.person not in access.counted_in_insight()
    people.withdraw_consent(user=world.link_worker, consent=objection)
    assert world.person in access.counted_in_insight()


def test_sharing_with_an_organisation_needs_the_organisation_and_the_words(world):
    with pytest.raises(people.RecordError, match="Name the organisation"):
        people.record_consent(
            user=world.link_worker,
            person=world.person,
            purpose="share-with-organisation",
            decision="agreed",
            method="phone",
            wording="May we tell them?",
        )
    with pytest.raises(people.RecordError, match="Record the words"):
        people.record_consent(
            user=world.link_worker,
            person=world.person,
            purpose="contact-about-groups",
            decision="agreed",
            method="phone",
            wording=" ",
        )
