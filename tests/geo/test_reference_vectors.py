"""The five postcode vectors of the reference README, and the shape of the loaded geography."""

import pytest

from kith.geo.lookup import PlaceNotFound, find_place, find_postcode
from kith.geo.models import Area, AreaLevel, LsoaIndicators, Postcode

VECTORS = [
    # postcode, lon, lat, ward (containment), LSOA21, IMD 2025 decile, ward by best fit
    ("M15 5DD", -2.25122, 53.46047, "E05011368", "Hulme", "E01005208", 4, "Hulme"),
    ("M9 4DH", -2.2119, 53.51264, "E05011366", "Harpurhey", "E01005205", 1, "Harpurhey"),
    ("M22 5RX", -2.26501, 53.37994, "E05011381", "Woodhouse Park", "E01005291", 1, "Woodhouse Park"),
    ("M20 2RN", -2.23143, 53.41317, "E05011363", "Didsbury West", "E01005169", 10, "Didsbury East"),
    ("M1 1AD", -2.24486, 53.48378, "E05011361", "Deansgate", "E01033658", 5, "Piccadilly"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("postcode", "lon", "lat", "ward", "ward_name", "lsoa", "decile", "best_fit"), VECTORS)
def test_postcode_resolves_to_containing_ward_lsoa_and_decile(
    postcode, lon, lat, ward, ward_name, lsoa, decile, best_fit
):
    found = find_postcode(postcode.lower().replace(" ", ""))
    assert (found.lon, found.lat) == (lon, lat)
    assert found.ward_id == ward
    assert Area.objects.get(code=found.ward_id).name == ward_name
    assert found.lsoa_id == lsoa
    assert found.lsoa.indicators.imd_decile == decile
    # Kith places points by containment; the best-fit ward is kept only to roll LSOA figures up.
    assert found.lsoa.best_fit_ward.name == best_fit
    assert found.local_authority_id == "E08000003"


@pytest.mark.django_db
def test_greater_manchester_areas_are_all_there():
    counts = {level: Area.objects.filter(level=level).count() for level in AreaLevel.values}
    assert counts == {"ca": 1, "lad": 10, "ward": 215, "msoa": 353, "lsoa": 1702}
    manchester = Area.objects.get(code="E08000003")
    assert Area.objects.wards().filter(local_authority=manchester).count() == 32
    assert Area.objects.lsoas().filter(local_authority=manchester).count() == 295
    assert not Area.objects.lsoas().filter(msoa__isnull=True).exists()
    assert not Area.objects.lsoas().filter(best_fit_ward__isnull=True).exists()
    assert LsoaIndicators.objects.count() == 1702
    wards = set(Area.objects.wards().values_list("code", flat=True))
    assert {f"E050113{n}" for n in range(50, 82)} <= wards


@pytest.mark.django_db
def test_every_lsoa_has_deprivation_loneliness_and_population():
    row = LsoaIndicators.objects.get(lsoa_id="E01004766")  # Bolton 005A, first row of each source file
    assert (row.imd_score, row.imd_rank, row.imd_decile) == (33.083, 6907, 3)
    assert row.loneliness_pct == pytest.approx(27.875354089324805)
    assert row.population == 1658
    assert not LsoaIndicators.objects.filter(population=0).exists()


@pytest.mark.django_db
def test_non_geographic_postcodes_are_kept_without_a_point():
    postcode = Postcode.objects.get(postcode="M1 9FN")
    assert not postcode.is_geographic
    with pytest.raises(PlaceNotFound, match="non-geographic"):
        find_postcode("M1 9FN")
    assert Postcode.objects.filter(lat__isnull=True, postcode__startswith="M").count() == 348  # the M file's


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("M99 9ZZ", "We do not know the postcode M99 9ZZ"),
        ("SW1A 1AA", "We do not know the postcode SW1A 1AA"),
        ("not a place", "We could not find “not a place”"),
        ("", "Enter a postcode"),
        ("x" * 61, "too long"),
        ("M1 9FN", "non-geographic"),
    ],
)
def test_unknown_places_get_a_clear_message(text, message):
    with pytest.raises(PlaceNotFound, match=message):
        find_place(text)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Harpurhey", "E05011366"),
        ("harpurhey", "E05011366"),
        ("Manchester", "E08000003"),
        ("E05011366", "E05011366"),
        ("Didsbury W", "E05011363"),
        ("WA14 4PU", None),
    ],
)
def test_places_by_name_code_and_trafford_postcode(text, code):
    place = find_place(text)
    if code:
        assert place.area.code == code
    else:  # a WA postcode inside Trafford
        assert place.postcode == "WA14 4PU" and place.local_authority_code == "E08000009"
