"""Every Greater Manchester postcode works, in each of the ten boroughs, and one just outside says where Kith's
area begins. Vectors: a town-hall or town-centre postcode per borough, with the ward that contains it."""

import pytest

from kith.geo.lookup import PlaceNotFound, find_place
from kith.geo.models import Postcode

pytestmark = pytest.mark.django_db

BOROUGHS = [
    # postcode (as people type it), borough, ward (containment, May 2023 wards)
    ("BL1 1RU", "Bolton", "Queens Park & Central"),
    ("bl9 0sw", "Bury", "Bury East"),
    ("M2 5DB", "Manchester", "Deansgate"),
    ("OL1 1UT", "Oldham", "Coldhurst"),
    ("OL16 1XU", "Rochdale", "Central Rochdale"),
    ("M27 5AW", "Salford", "Swinton & Wardley"),
    ("SK1 3XE", "Stockport", "Brinnington & Stockport Central"),
    ("OL66DL", "Tameside", "St Peter's"),
    ("M32 0TH", "Trafford", "Gorse Hill & Cornbrook"),
    ("WN1 1YN", "Wigan", "Wigan Central"),
]
JUST_OUTSIDE = [
    # postcode, the borough nearest to it: Glossop, Knutsford, Skelmersdale and Todmorden
    ("SK13 8AF", "Tameside"),
    ("WA16 6AA", "Trafford"),
    ("WN8 8AA", "Wigan"),
    ("OL14 5AA", "Rochdale"),
]


@pytest.mark.parametrize(("postcode", "borough", "ward"), BOROUGHS)
def test_a_postcode_in_each_borough_finds_its_borough_and_ward(postcode, borough, ward):
    place = find_place(postcode)
    found = Postcode.objects.select_related("ward__local_authority").get(postcode=place.postcode)
    assert (found.ward.local_authority.name, found.ward.name) == (borough, ward)
    assert place.local_authority_code == found.ward.local_authority_id


@pytest.mark.parametrize(("postcode", "borough", "ward"), BOROUGHS)
def test_a_postcode_in_each_borough_works_in_the_search_page_and_the_oruk_api(client, postcode, borough, ward):
    page = client.get("/search/", {"q": "library", "near": postcode, "radius": "5"})
    assert page.status_code == 200 and "We do not know the postcode" not in page.content.decode()
    assert page.context["result"] is not None and page.context["result"].total > 0, postcode
    api = client.get("/api/oruk/services", {"postcode": postcode, "proximity": "5000"})
    assert api.status_code == 200 and api.json()["total_items"] > 0, postcode


@pytest.mark.parametrize(("postcode", "nearest"), JUST_OUTSIDE)
def test_a_postcode_just_outside_says_so_and_names_the_nearest_borough(postcode, nearest):
    with pytest.raises(PlaceNotFound) as refused:
        find_place(postcode)
    assert str(refused.value) == (
        f"{postcode} is outside the area this Kith covers (Greater Manchester); the nearest borough is {nearest}. "
        "Search by a postcode, ward or town in Greater Manchester."
    )


def test_postcodes_of_every_area_around_greater_manchester_are_loaded():
    for area in ["BL", "M", "OL", "SK", "WA", "WN"]:
        inside = Postcode.objects.filter(postcode__regex=rf"^{area}[0-9]", ward__isnull=False).count()
        outside = Postcode.objects.filter(postcode__regex=rf"^{area}[0-9]", ward__isnull=True, lat__isnull=False)
        assert inside > 1000, area
        # Every postcode outside has its nearest borough; none inside has one.
        assert not outside.filter(nearest_local_authority__isnull=True).exists(), area
    assert not Postcode.objects.filter(ward__isnull=False, nearest_local_authority__isnull=False).exists()
