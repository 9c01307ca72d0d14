"""The "what matters" vocabulary, the OpenActive activity list, and the demo directory."""

import json
from collections import Counter

import pytest

from kith.directory.models import (
    Accessibility,
    CostOption,
    DemoBuild,
    Language,
    ListingCheck,
    Location,
    Organisation,
    Schedule,
    Service,
    Taxonomy,
    TaxonomyTerm,
)
from kith.directory.taxonomy import DATA_DIR, load_taxonomies
from kith.feeds.demo import build_demo_directory
from kith.feeds.importers.run import run_source
from kith.feeds.models import ImportRun, Source
from kith.geo.models import Area
from tests.conftest import DEMO_GENERATED, DEMO_SEED

pytestmark = pytest.mark.django_db

WANTS = [
    "active",
    "nature",
    "arts",
    "social",
    "learning",
    "volunteering",
    "money",
    "housing",
    "food",
    "mental-health",
    "carers",
    "faith",
    "animals",
    "digital",
    "families",
]


def test_what_matters_has_the_wants_link_workers_use():
    codes = list(TaxonomyTerm.objects.what_matters().values_list("code", flat=True))
    assert set(WANTS) <= set(codes)
    assert codes[0] == "active"  # display order follows the vocabulary file
    walking = TaxonomyTerm.objects.get(code="active/walking")
    assert walking.parent.code == "active"


def test_openactive_activities_sit_under_being_active():
    concepts = json.loads((DATA_DIR / "activity-list.jsonld").read_text())["concept"]
    openactive = Taxonomy.objects.get(source_id="openactive-activity-list")
    assert openactive.terms.count() == len(concepts) == 768
    top = TaxonomyTerm.objects.get(code="active", parent=None)
    football = TaxonomyTerm.objects.get(taxonomy=openactive, name="Football")
    assert football.parent == top
    five_a_side = TaxonomyTerm.objects.get(taxonomy=openactive, name="5-a-side")
    assert five_a_side.parent.name == "Small Sided Football"
    assert five_a_side.parent.parent == football
    assert str(five_a_side.uuid) in five_a_side.term_uri


def test_loading_the_taxonomies_again_changes_nothing():
    before = TaxonomyTerm.objects.count()
    ids = set(TaxonomyTerm.objects.values_list("uuid", flat=True))
    load_taxonomies(Taxonomy, TaxonomyTerm)
    assert TaxonomyTerm.objects.count() == before
    assert set(TaxonomyTerm.objects.values_list("uuid", flat=True)) == ids


def test_demo_directory_is_big_enough_covers_every_borough_and_is_marked():
    demo = Service.objects.filter(is_demo=True)
    assert demo.count() >= 1500
    boroughs = set(Location.objects.filter(is_demo=True).values_list("local_authority_id", flat=True))
    assert boroughs >= set(Area.objects.local_authorities().values_list("code", flat=True))
    source = Source.objects.get(kind=Source.Kind.DEMO, location="packaged:demo")
    assert not Service.objects.filter(is_demo=False, source=source.key).exists()
    assert not Location.objects.filter(is_demo=False, source=source.key).exists()


def test_the_demo_is_written_by_the_importers_writer_with_everything_a_listing_has():
    """One writer and one shape of record for feeds and the demo: the demo is a run of a demo-kind source."""
    source = Source.objects.get(kind=Source.Kind.DEMO, location="packaged:demo")
    run = ImportRun.objects.filter(source=source).latest("started_at")
    demo = Service.objects.filter(source=source.key)
    assert run.status == "done" and run.counts["created"] == demo.count() and run.counts["quarantined"] == 0
    assert Organisation.objects.filter(source=source.key, is_demo=True).exists()
    # What only the demo used to write: step-free places, places' opening hours, languages, checks, kinds.
    assert Accessibility.objects.filter(location__source=source.key, feature="step-free", is_demo=True).exists()
    assert Schedule.objects.filter(location__source=source.key, is_demo=True).exists()
    assert Language.objects.filter(service__source=source.key).exists()
    assert ListingCheck.objects.filter(service__source=source.key, method="imported").exists()
    assert ListingCheck.objects.filter(service__source=source.key).exclude(method="imported").exists()
    assert set(demo.values_list("asset_kind", flat=True)) >= {"vcse", "public-space", "public-service"}
    assert CostOption.objects.filter(service__source=source.key, option="Per session").exists()
    # A harvest never fetches the demo: it is built, not imported from anywhere.
    assert run_source(source).error.startswith("The demo directory is built by `kith demo-data`")


def test_demo_coverage_is_deliberately_uneven():
    generated = Counter(
        Location.objects.filter(service_at_locations__service__source_id__startswith="generated:").values_list(
            "ward_id", flat=True
        )
    )
    wards = set(Area.objects.wards().values_list("code", flat=True))
    bare = wards - set(generated)
    assert len(bare) >= 20, "some wards must have no generated groups"
    counts = sorted(generated.values(), reverse=True)
    assert counts[0] >= 5 * counts[len(counts) // 2], "the richest wards must stand out"


def test_demo_is_deterministic_and_a_second_run_does_nothing():
    names = list(Service.objects.filter(is_demo=True).order_by("source_id").values_list("source_id", "name"))
    again = build_demo_directory(seed=DEMO_SEED, generated=DEMO_GENERATED)
    assert again.skipped
    rebuilt = build_demo_directory(seed=DEMO_SEED, generated=DEMO_GENERATED, force=True)
    assert not rebuilt.skipped
    assert list(Service.objects.filter(is_demo=True).order_by("source_id").values_list("source_id", "name")) == names
    assert DemoBuild.objects.count() == 1


def test_another_seed_needs_force_and_changes_the_groups():
    with pytest.raises(RuntimeError, match="use --force"):
        build_demo_directory(seed=DEMO_SEED + 1, generated=DEMO_GENERATED)
    before = set(Service.objects.filter(source_id__startswith="generated:").values_list("name", flat=True))
    build_demo_directory(seed=DEMO_SEED + 1, generated=DEMO_GENERATED, force=True)
    after = set(Service.objects.filter(source_id__startswith="generated:").values_list("name", flat=True))
    assert before != after


def test_demo_keeps_no_named_contacts_from_the_open_data():
    parks = Service.objects.filter(source_id__startswith="gm_green_flag_parks:")
    assert parks.count() == 59
    assert not parks.filter(phones__isnull=False).exists()
    assert not parks.filter(contacts__isnull=False).exists()
