"""A second area besides Greater Manchester: Bristol, loaded from the national bundle in ../shared (required in CI,
skipped in a lone clone). The postcode file is cut to Bristol's and a few others' rows, so the load takes seconds."""

import csv
import gzip
import shutil

import pytest
from click.testing import CliRunner

from kith.cli import main
from kith.geo import national
from kith.geo.lookup import PlaceNotFound, find_place, find_postcode, outside_text
from kith.geo.models import Area, AreaLevel, Postcode

pytestmark = pytest.mark.django_db
BRISTOL = "E06000023"


@pytest.fixture(scope="module")
def bundle(reference_dir, tmp_path_factory):
    """The national bundle with its postcodes cut to Bristol's (BS1-BS16), Manchester's M1 and Leeds's LS1."""
    source = reference_dir / "national"
    folder = tmp_path_factory.mktemp("national")
    for name in national.FILES.values():
        if name != national.FILES["postcodes"]:
            (folder / name).symlink_to(source / name)
    keep = (*(f"BS{n} " for n in range(1, 17)), "M1 ", "LS1 ")
    with (
        gzip.open(source / national.FILES["postcodes"], "rt", newline="") as read,
        gzip.open(folder / national.FILES["postcodes"], "wt", newline="") as write,
    ):
        rows = csv.reader(read)
        out = csv.writer(write)
        out.writerow(next(rows))
        out.writerows(row for row in rows if row[0].startswith(keep))
    return folder


def test_bristol_loads_beside_greater_manchester_and_places_its_postcodes(bundle):
    result = national.load_areas(bundle, [BRISTOL])
    assert result.counts["lad"] == 1 and result.counts["ward"] == 34 and result.counts["lsoa"] == 268
    postcode = find_postcode("BS1 5TB")
    assert (postcode.lsoa_id, postcode.ward_id, postcode.local_authority_id) == ("E01033909", "E05010892", BRISTOL)
    assert postcode.ward.name == "Central" and postcode.inside
    lsoa = Area.objects.get(code="E01033909")
    assert lsoa.best_fit_ward_id == "E05010892" and lsoa.indicators.population > 0 and lsoa.demand_point
    assert find_place("BS1 5TB").ward_code == "E05010892"
    # Greater Manchester, loaded before, is as it was: its postcodes keep their wards.
    assert find_postcode("M9 4DH").inside and Area.objects.filter(level=AreaLevel.LOCAL_AUTHORITY).count() == 11
    leeds = find_postcode("LS1 4DA")
    assert not leeds.inside and "is outside the area this Kith covers" in outside_text(leeds)
    again = national.load_areas(bundle, [BRISTOL])  # idempotent: the same rows, nothing doubled
    assert (
        again.counts == result.counts
        and Postcode.objects.filter(local_authority_id=BRISTOL).count() == (result.counts["postcodes"])
    )


def test_areas_are_named_by_authority_region_or_england(bundle):
    assert national.authorities_named(bundle, [BRISTOL]) == {BRISTOL}
    assert BRISTOL in national.authorities_named(bundle, ["E12000009"])  # the South West
    assert len(national.authorities_named(bundle, ["england"])) == 296
    assert national.authorities_named(bundle, ["E08000019"]) == {"E08000039"}  # Sheffield's 2024 code, read as 2025
    with pytest.raises(national.BundleError, match="not an English local authority"):
        national.authorities_named(bundle, ["W06000015"])


def test_the_command_loads_an_area_and_says_what_is_wrong(bundle, tmp_path):
    loaded = CliRunner().invoke(main, ["load-geography", "--area", BRISTOL, "--from", str(bundle), "--quiet"])
    assert loaded.exit_code == 0 and "34 wards (May 2025) and 268 LSOAs" in loaded.stdout
    unknown = CliRunner().invoke(main, ["load-geography", "--area", "E99999999", "--from", str(bundle)])
    assert unknown.exit_code != 0 and "not an English local authority" in unknown.output
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = CliRunner().invoke(main, ["load-geography", "--area", BRISTOL, "--from", str(empty)])
    assert missing.exit_code != 0 and "is missing: a national bundle has" in missing.output
    shutil.rmtree(empty)


def test_a_postcode_outside_every_loaded_area_is_said_to_be_outside(bundle):
    national.load_areas(bundle, [BRISTOL])
    with pytest.raises(PlaceNotFound, match="We do not know the postcode"):
        find_postcode("ZZ9 9ZZ")
    assert not find_postcode("LS1 4DA").inside
