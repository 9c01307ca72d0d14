"""A place marked sensitive keeps its street, directions and exact point out of every public output."""

import pytest

from kith.directory import services as directory
from kith.directory.models import Address, Location
from kith.matching import services as matching
from tests.directory.helpers import M9_4DH, add, listing, point_north
from tests.personas import build_world

pytestmark = pytest.mark.django_db
NAME = "Quiet Sanctuary Walking Circle"
AT = (M9_4DH[0] + 0.013713, point_north(M9_4DH, 730)[1])  # not the searched postcode's point, which pages show
# The exact point to five decimals (about a metre; public ward outlines are rounded to four, and may
# share a vertex's four decimals by chance).
SECRETS = ["Secret Lane", "blue door", repr(AT[1])[:8], repr(AT[0])[:8], "M9 8QB"]


@pytest.fixture
def sensitive():
    (service,) = add(listing(NAME, at=AT, categories=("active/walking",)))
    location = Location.objects.get(service_at_locations__service=service)
    Location.objects.filter(pk=location.pk).update(is_sensitive=True, transportation="Through the blue door")
    Address.objects.filter(location=location).update(address_1="17 Secret Lane", postal_code="M9 8QB")
    directory.services_changed(service_ids=[service.pk])
    return service


def _outputs(service, client):
    world = build_world()
    shared = matching.share_list(user=world.link_worker, person=world.person, services=[service])
    placement = service.service_at_locations.first()
    ward = Location.objects.get(pk=placement.location_id).ward_id
    q = "q=sanctuary+walking&near=M9+4DH"
    return {
        "listing page": f"/services/{service.uuid}/",
        "organisation page": f"/organisations/{service.organisation.uuid}/",
        "search": f"/search/?{q}",
        "printable search": f"/search/print/?{q}",
        "search CSV": f"/search.csv?{q}",
        "iCalendar": f"/feeds/events.ics?area={ward}",
        "RSS": "/feeds/listings.rss",
        "Atom": "/feeds/listings.atom",
        "GeoJSON": f"/feeds/listings.geojson?area={ward}",
        "embed": f"/embed/whats-on/?area={ward}&limit=10",
        "what's on": f"/whats-on/?area={ward}",
        "newsletter": f"/whats-on/newsletter/?area={ward}",
        "ORUK service": f"/api/oruk/services/{service.uuid}",
        "ORUK services": "/api/oruk/services?text=sanctuary",
        "ORUK service at location": f"/api/oruk/service_at_locations/{placement.uuid}",
        "shared list": f"/lists/{shared.token}/",
    }


def test_every_public_output_withholds_the_address_and_point(client, sensitive):
    shown_somewhere = 0
    for label, url in _outputs(sensitive, client).items():
        response = client.get(url)
        assert response.status_code == 200, (label, url, response.status_code)
        body = response.content.decode()
        leaked = [secret for secret in SECRETS if secret in body]
        assert leaked == [], f"{label} ({url}) shows {leaked}"
        shown_somewhere += NAME in body or NAME.replace(" ", "\\u0020") in body
    assert shown_somewhere >= 12  # the listing is really in the outputs checked, not absent from them


def test_the_listing_page_says_where_to_ask_and_keeps_the_area(client, sensitive):
    body = client.get(f"/services/{sensitive.uuid}/").content.decode()
    assert "Address withheld: ask the organisation" in body and "M9" in body


def test_a_place_that_is_not_sensitive_is_published_in_full(client, sensitive):
    Location.objects.filter(service_at_locations__service=sensitive).update(is_sensitive=False)
    body = client.get(f"/services/{sensitive.uuid}/").content.decode()
    assert "17 Secret Lane" in body and "blue door" in body
