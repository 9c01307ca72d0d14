"""A second area besides Greater Manchester: Bristol, loaded from the national bundle in ../shared (required in CI,
skipped in a lone clone). The postcode file is cut to Bristol's and a few others' rows, so the load takes seconds."""

import csv
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kith.cli import main
from kith.feeds.importers.run import run_source
from kith.feeds.models import Source
from kith.geo import coverage, national
from kith.geo.lookup import PlaceNotFound, find_place, find_postcode, outside_text
from kith.geo.models import Area, AreaLevel, LsoaIndicators, Postcode

pytestmark = pytest.mark.django_db
BRISTOL = "E06000023"


@pytest.fixture(autouse=True)
def names_forgotten():
    """Each test's load is rolled back: the names it cached must go with it."""
    yield
    coverage.forget()


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
    assert Area.objects.get(code=BRISTOL).name == "City of Bristol"  # as people say it, not ONS's "Bristol, City of"
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
    assert loaded.exit_code == 0 and "Loaded 1 local authority, 34 wards (May 2025) and 268 LSOAs" in loaded.stdout
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


REPO = Path(__file__).resolve().parent.parent.parent
BRISTOL_FEED = REPO / "tests" / "fixtures" / "bristol" / "oruk-services.json"


@pytest.fixture
def bristol(bundle):
    """Bristol loaded beside Greater Manchester, with four Bristol groups imported from an ORUK page."""
    national.load_areas(bundle, [BRISTOL])
    source = Source.objects.create(kind="oruk", location=str(BRISTOL_FEED), name="Bristol groups")
    run = run_source(source)
    assert run.status == "done" and run.counts["created"] == 4, run.error
    return source


def test_a_bristol_listing_is_found_near_bs1_5tb_on_the_page_and_through_the_oruk_api(bristol, client):
    page = client.get("/search/", {"near": "BS1 5TB", "radius": 2})
    assert page.status_code == 200
    names = [row.name for row in page.context["rows"]]
    # 220 m, 440 m and 1.4 km; the lunch club is 2.6 km away, and nothing in Manchester is near.
    assert names == ["Harbourside walking group", "Old City knit and natter", "Bedminster community garden"]
    assert "<title>3 results near BS1 5TB" in page.content.decode()
    assert client.get("/search/", {"near": "Bristol"}).status_code == 200  # ONS's "Bristol, City of"
    api = client.get("/api/oruk/services", {"postcode": "BS1 5TB", "proximity": 1000}).json()
    assert [s["name"] for s in api["contents"]] == ["Harbourside walking group", "Old City knit and natter"]
    address = api["contents"][0]["service_at_locations"][0]["location"]["addresses"][0]
    assert address["postal_code"] == "BS1 5TL" and address["state_province"] == "City of Bristol"


def test_kith_gaps_gives_one_row_per_bristol_ward_and_category(bristol):
    from kith.insights import engine

    engine.forget()
    out = CliRunner().invoke(main, ["gaps", "--area", BRISTOL, "--format", "csv", "--quiet"])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    wards = set(Area.objects.filter(level=AreaLevel.WARD, local_authority_id=BRISTOL).values_list("code", flat=True))
    categories = {row["category"] for row in rows}
    assert {row["area_code"] for row in rows} == wards and len(wards) == 34
    assert len(rows) == len(wards) * len(categories) and {"active/walking", "food", "social"} <= categories
    walking = next(r for r in rows if r["area_code"] == "E05010905" and r["category"] == "active/walking")
    assert walking["area_name"] == "Hotwells and Harbourside" and walking["listings"] == "1"
    # Greater Manchester's open-data layers do not reach Bristol: a shortfall there may be missing data.
    libraries = [r for r in rows if r["category"] == "learning/libraries" and r["label"] != "meets the standard"]
    assert libraries and all(r["label"] == "may be missing data" for r in libraries)


def test_a_bristol_only_deployment_says_a_manchester_postcode_is_outside(bundle, tmp_path):
    """A deployment of its own (a fresh database, the CLI as a deployer runs it) covering Bristol alone."""
    env = {
        **os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'bristol.sqlite3'}", "KITH_AREA_NAME": "",
        "DJANGO_SETTINGS_MODULE": "kith.config.settings",
    }  # fmt: skip
    kith = str(Path(sys.executable).parent / "kith")

    def run(*args):
        done = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run(kith, "migrate")
    loaded = run(kith, "load-geography", "--area", BRISTOL, "--from", str(bundle), "--quiet")
    assert "This Kith covers City of Bristol." in loaded
    said = run(
        sys.executable, "manage.py", "shell", "-c",
        "from kith.geo.lookup import find_place, PlaceNotFound\n"
        "print(find_place('BS1 5TB').ward_code)\n"
        "try:\n    find_place('M1 1AE')\nexcept PlaceNotFound as e:\n    print(e)",
    )  # fmt: skip
    assert said.splitlines()[-2:] == [
        "E05010892",
        "M1 1AE is outside the area this Kith covers (City of Bristol). Search by a postcode, ward or town in "
        "City of Bristol.",
    ]


OFFICIAL_COLUMNS = {  # the bundle's file: its column → the official file's, None to leave it out
    "postcodes": {"postcode": "pcds", "lon": "long", "lsoa21_code": "lsoa21cd", "ward24_code": "osward",
                  "ltla24_code": "oslaua", "wd25_code": None},
    "imd": {"lsoa21_code": "LSOA code (2021)", "IMD_score": "Index of Multiple Deprivation (IMD) Score",
            "IMD_rank": "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
            "IMD_decile": "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"},
    "population": {"lsoa21_code": "geography code", "total_residents": "Residence type: Total; measures: Value"},
    "lookup": {"lsoa21_code": "LSOA21CD", "lsoa21_name": "LSOA21NM", "ward24_code": "WD24CD",
               "ward24_name": "WD24NM", "ltla24_code": "LAD24CD", "ltla24_name": "LAD24NM"},
    "regions": {"ltla24_code": "LAD24CD", "ltla24_name": "LAD24NM", "region24_code": "RGN24CD",
                "region24_name": "RGN24NM"},
}  # fmt: skip


@pytest.fixture(scope="module")
def official(bundle, tmp_path_factory):
    """The Bristol bundle as the official downloads come: plain CSV with ONS's and MHCLG's column names, an NSPL
    whose ward is another vintage's (so wards are found by point), and no centres file."""
    folder = tmp_path_factory.mktemp("official")
    for name, columns in OFFICIAL_COLUMNS.items():
        source = bundle / national.FILES[name]
        with (
            gzip.open(source, "rt", newline="") if source.suffix == ".gz" else source.open(newline="") as read,
            (folder / national.FILES[name].removesuffix(".gz")).open("w", newline="") as write,
        ):
            reader = csv.DictReader(read)
            kept = [c for c in reader.fieldnames if columns.get(c, c) is not None]
            out = csv.writer(write)
            out.writerow([columns.get(c, c) for c in kept])
            out.writerows([row[c] for c in kept] for row in reader)
    with gzip.open(bundle / national.FILES["lsoas"], "rt") as read:
        lsoas = json.load(read)
    for feature in lsoas["features"]:
        props = feature["properties"]
        feature["properties"] = {"LSOA21CD": props["lsoa21_code"], "LSOA21NM": props["lsoa21_name"]}
    (folder / national.FILES["lsoas"].removesuffix(".gz")).write_text(json.dumps(lsoas))
    # ONS's ward boundaries without their authority, which a ward-to-authority lookup beside them gives.
    with gzip.open(bundle / national.FILES["wards"], "rt") as read:
        wards = [f for f in json.load(read)["features"] if f["properties"]["LAD25CD"] == BRISTOL]
    with (folder / national.FILES["ward_authorities"]).open("w", newline="") as write:
        out = csv.writer(write)
        out.writerow(["WD25CD", "WD25NM", "LAD25CD", "LAD25NM"])
        for feature in wards:
            props = feature["properties"]
            out.writerow([props["WD25CD"], props["WD25NM"], props.pop("LAD25CD"), props.pop("LAD25NM")])
    geojson = {"type": "FeatureCollection", "features": wards}
    (folder / national.FILES["wards"].removesuffix(".gz")).write_text(json.dumps(geojson))
    (folder / national.FILES["loneliness"]).symlink_to(bundle / national.FILES["loneliness"])
    return folder


def test_the_official_files_load_as_the_bundle_does_with_wards_found_by_point(bundle, official):
    from kith.geo import demand_points

    ours = national.load_areas(bundle, [BRISTOL])
    imd = LsoaIndicators.objects.get(lsoa_id="E01033909")
    theirs = national.load_areas(official, [BRISTOL])
    assert theirs.counts["ward_by_point"] >= 0.999 * ours.counts["ward_by_code"] and not theirs.counts.get(
        "ward_by_code"
    )
    assert (theirs.counts["lad"], theirs.counts["ward"], theirs.counts["lsoa"]) == (1, 34, 268)
    postcode = find_postcode("BS1 5TB")
    assert (postcode.lsoa_id, postcode.ward_id) == ("E01033909", "E05010892")
    again = LsoaIndicators.objects.get(lsoa_id="E01033909")
    assert (again.imd_rank, again.imd_score, again.population) == (imd.imd_rank, imd.imd_score, imd.population)
    # No centres file: each LSOA's residents are placed at the postcode nearest the mean of its postcodes.
    lsoas = Area.objects.filter(level=AreaLevel.LSOA, local_authority_id=BRISTOL)
    assert set(lsoas.values_list("demand_point", flat=True)) == {demand_points.POSTCODES}
    said = CliRunner().invoke(main, ["load-geography", "--area", BRISTOL, "--from", str(official), "--quiet"])
    assert "0 postcodes by the 2025 ward code in the file" in said.stdout and "by their point" in said.stdout


def test_an_official_file_without_a_column_the_load_needs_says_which(official, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(official, broken, symlinks=True)
    (broken / national.FILES["ward_authorities"]).unlink()
    said = CliRunner().invoke(main, ["load-geography", "--area", BRISTOL, "--from", str(broken), "--quiet"])
    assert said.exit_code != 0 and "the ward boundaries lack LAD25CD, so the bundle needs" in said.output
    shutil.copy(official / national.FILES["ward_authorities"], broken / national.FILES["ward_authorities"])
    imd = broken / national.FILES["imd"].removesuffix(".gz")
    imd.write_text("LSOA code (2021),Something else\nE01033909,1\n")
    said = CliRunner().invoke(main, ["load-geography", "--area", BRISTOL, "--from", str(broken), "--quiet"])
    assert said.exit_code != 0 and "imd2025_lsoa21_england.csv has no IMD_score or IMD_rank" in said.output


def test_a_bristol_team_covering_central_gets_the_request_from_bs1_5tb(bundle, client):
    from kith.accounts.models import Team
    from kith.people.models import Referral

    national.load_areas(bundle, [BRISTOL])
    form = {
        "given_name": "Ada", "phone": "0117 496 0000", "postcode": "BS1 5TB", "agreed": "on",
        "words": "I would like to walk with others.",
    }  # fmt: skip
    browser = {"HTTP_USER_AGENT": "Mozilla/5.0 Firefox/140.0"}
    refused = client.post("/talk-to-a-link-worker/", form, **browser)
    assert "No social prescribing team using Kith covers that postcode yet" in refused.content.decode()
    team = Team.objects.create(name="Bristol Central team")
    team.wards.add(Area.objects.get(code="E05010892"))
    taken = client.post("/talk-to-a-link-worker/", form, **browser)
    assert taken.status_code == 200 and "Bristol Central team will get in touch" in taken.content.decode()
    assert Referral.objects.get(source="self").team == team


def test_listings_imported_before_their_area_is_loaded_are_placed_by_the_load(bundle):
    from kith.directory.models import Location

    source = Source.objects.create(kind="oruk", location=str(BRISTOL_FEED), name="Bristol groups")
    assert run_source(source).status == "done"
    harbourside = Location.objects.get(source=source.key, name="College Green")
    assert harbourside.ward_id is None  # Bristol not loaded yet: outside every ward
    said = CliRunner().invoke(main, ["load-geography", "--area", BRISTOL, "--from", str(bundle), "--quiet"])
    assert said.exit_code == 0 and "4 listed places are now in the areas just loaded." in said.stdout
    harbourside.refresh_from_db()
    assert (harbourside.ward_id, harbourside.local_authority_id) == ("E05010905", BRISTOL)
