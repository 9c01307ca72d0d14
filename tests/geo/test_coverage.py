"""The area and county words: table-driven over the pure helpers, then over the loaded Greater Manchester."""

import pytest

from kith.geo import coverage
from kith.geo.models import Area, AreaLevel


@pytest.fixture(autouse=True)
def names_read_afresh():
    """Each test reads the loaded names itself, and leaves none behind."""
    coverage.forget()
    yield
    coverage.forget()


@pytest.mark.parametrize(
    "ons, said",
    [
        ("Bristol, City of", "City of Bristol"),
        ("Herefordshire, County of", "County of Herefordshire"),
        ("Kingston upon Hull, City of", "City of Kingston upon Hull"),
        ("Manchester", "Manchester"),
        ("Bedford, Central", "Bedford, Central"),  # not "X, Y of": left as it is
    ],
)
def test_ons_names_are_said_as_people_say_them(ons, said):
    assert coverage.spoken(ons) == said


@pytest.mark.parametrize("names, said", [(["Bury"], "Bury"), (["A", "B"], "A and B"), (["A", "B", "C"], "A, B and C")])
def test_places_are_joined_as_a_list_in_words(names, said):
    assert coverage.joined(names) == said


@pytest.mark.django_db
@pytest.mark.parametrize(
    "authority, county",
    [
        ("E08000003", "Greater Manchester"),  # a metropolitan borough: its metropolitan county
        ("E08000035", "West Yorkshire"),
        ("E08000039", "South Yorkshire"),  # Sheffield, under its 2025 code
        ("E07000008", "Cambridgeshire"),  # a shire district: its county
        ("E07000123", "Lancashire"),
        ("E09000033", "Greater London"),
        ("E06000023", ""),  # a unitary authority not loaded here: no name to give
        ("", ""),
        (None, ""),
    ],
)
def test_an_address_county_comes_from_its_local_authority(authority, county):
    assert coverage.county_of(authority) == county


@pytest.mark.django_db
def test_a_unitary_authority_is_its_own_county_and_the_area_names_what_is_loaded(settings):
    coverage.forget()
    assert coverage.area_name() == "Greater Manchester"
    Area.objects.create(
        code="E06000023", name="Bristol, City of", level=AreaLevel.LOCAL_AUTHORITY, geometry="{}",
        centroid_lon=-2.58, centroid_lat=51.46, min_lon=-2.72, min_lat=51.39, max_lon=-2.51, max_lat=51.54,
    )  # fmt: skip
    coverage.forget()
    try:
        assert coverage.county_of("E06000023") == "City of Bristol"
        assert coverage.area_name() == "City of Bristol and Greater Manchester"
        settings.KITH_AREA_NAME = "the West of England"
        assert coverage.area_name() == "the West of England"
    finally:
        coverage.forget()


@pytest.mark.django_db
def test_pages_without_a_local_authority_show_the_largest_loaded_and_say_which_codes_they_know(client):
    coverage.forget()
    assert coverage.main_authority() == "E08000003"  # Manchester: 32 wards
    page = client.get("/insight/measures/")
    assert page.status_code == 200 and page.context["la"].code == "E08000003"
    for url in ("/insight/measures/", "/listings/freshness/"):
        refused = client.get(url, {"la": "E06000023"})
        assert refused.status_code == 400
        assert refused.content.decode() == (
            "Unknown local authority: use the code of one this Kith covers, such as E08000003."
        )


@pytest.mark.django_db
def test_a_server_reads_what_another_process_loaded_within_a_minute(monkeypatch):
    monkeypatch.setattr(coverage, "READ_AGAIN_SECONDS", 60)
    assert coverage.area_name() == "Greater Manchester"
    Area.objects.create(
        code="E06000052", name="Cornwall", level=AreaLevel.LOCAL_AUTHORITY, geometry="{}", centroid_lon=-4.9,
        centroid_lat=50.4, min_lon=-5.7, min_lat=49.9, max_lon=-4.2, max_lat=50.9,
    )  # fmt: skip  # as another process's load would, without telling this one
    assert coverage.area_name() == "Greater Manchester"  # kept for a minute
    monkeypatch.setattr(coverage, "READ_AGAIN_SECONDS", -1)  # the minute is up
    assert coverage.area_name() == "Cornwall and Greater Manchester"
