"""Moving teams' and link workers' wards to a new vintage of ward boundaries (`kith move-wards`)."""

import pytest
import shapely
from click.testing import CliRunner

from kith.accounts.models import Team
from kith.cli import main
from kith.core.models import AuditEvent
from kith.geo import vintages
from kith.geo.models import Area, AreaLevel

pytestmark = pytest.mark.django_db
HARPURHEY = "E05011366"


@pytest.fixture
def old_ward():
    """A ward of an earlier vintage that the new one split in two: Harpurhey and a neighbour of it."""
    harpurhey = Area.objects.get(code=HARPURHEY)
    shape = shapely.from_geojson(harpurhey.geometry)
    neighbour = next(
        ward
        for ward in Area.objects.filter(level=AreaLevel.WARD, local_authority_id="E08000003").exclude(code=HARPURHEY)
        if shapely.intersection(shape.buffer(1e-4), shapely.from_geojson(ward.geometry)).area > 1e-7
    )
    both = shapely.union(shape, shapely.from_geojson(neighbour.geometry))
    lon_min, lat_min, lon_max, lat_max = both.bounds
    old = Area.objects.create(
        code="E05999001", name="Old Harpurhey and around", level=AreaLevel.WARD, geometry=shapely.to_geojson(both),
        centroid_lon=both.centroid.x, centroid_lat=both.centroid.y, min_lon=lon_min, min_lat=lat_min,
        max_lon=lon_max, max_lat=lat_max, local_authority_id="E08000003",
    )  # fmt: skip
    share = shape.area / both.area
    return old, harpurhey, neighbour, share


def test_a_retired_ward_is_succeeded_by_the_current_wards_it_overlaps(old_ward):
    old, _, neighbour, share = old_ward
    assert vintages.retired([old.code, HARPURHEY]) == {old.code}  # no postcode is placed in it
    found = {area.code: taken for area, taken in vintages.successors(old.code)}
    assert set(found) == {HARPURHEY, neighbour.code}  # wards touching only along an edge are left out
    assert found[HARPURHEY] == pytest.approx(share, abs=0.01) and sum(found.values()) == pytest.approx(1, abs=0.02)


def test_kith_move_wards_lists_then_moves_a_teams_wards(old_ward):
    old, harpurhey, neighbour, _ = old_ward
    team = Team.objects.create(name="North team")
    team.wards.add(old, Area.objects.get(code="E05011355"))  # and a current ward, which stays
    listed = CliRunner().invoke(main, ["move-wards"])
    assert listed.exit_code == 0, listed.output
    assert f"Team North team: Old Harpurhey and around (E05999001) → {harpurhey.name} ({HARPURHEY}, " in listed.stdout
    assert "1 ward(s) to move. Run again with --apply" in listed.stdout
    assert set(team.wards.values_list("code", flat=True)) == {"E05999001", "E05011355"}  # nothing changed yet
    moved = CliRunner().invoke(main, ["move-wards", "--apply"])
    assert moved.exit_code == 0 and "Moved 1 ward(s); audited." in moved.stdout
    assert set(team.wards.values_list("code", flat=True)) == {HARPURHEY, neighbour.code, "E05011355"}
    event = AuditEvent.objects.get(what="ward moved to a new vintage")
    assert event.object_id == "E05999001" and set(event.detail["to"]) == {HARPURHEY, neighbour.code}
    again = CliRunner().invoke(main, ["move-wards"])
    assert "nothing to move" in again.stdout


def test_points_are_placed_in_current_wards_not_in_those_they_replaced(old_ward):
    from kith.geo.placing import AreaPlacer

    old, harpurhey, _, _ = old_ward
    placed = AreaPlacer().place([harpurhey.centroid_lon], [harpurhey.centroid_lat])[0]
    assert placed.ward == HARPURHEY and placed.ward != old.code


def test_a_ward_without_a_boundary_to_compare_has_no_successors(old_ward):
    old, *_ = old_ward
    Area.objects.filter(code=old.code).update(geometry="{}")
    assert vintages.successors(old.code) == []
    team = Team.objects.create(name="Team with an unreadable ward")
    team.wards.add(old)
    kept = CliRunner().invoke(main, ["move-wards", "--apply"])
    assert kept.exit_code == 0 and "no current ward overlaps it; kept" in kept.stdout
    assert list(team.wards.values_list("code", flat=True)) == [old.code]
