"""Interest pools and group opportunities: from people who want the same thing to a running group in the directory."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kith.directory.models import Service, TaxonomyTerm
from kith.insights import engine
from kith.insights.models import AdequacyStandard
from kith.matching.models import Connection
from kith.people import services as people
from kith.together.models import GroupOpportunity, PoolContact
from tests.directory.helpers import add, listing
from tests.personas import build_world, sign_in

pytestmark = pytest.mark.django_db
WARD = "E05011366"


def join_pool(world, person, worker, *, agree=True):
    people.add_want(user=worker, person=person, term=TaxonomyTerm.objects.get(code="active/walking"))
    if agree:
        people.record_consent(
            user=worker, person=person, purpose="contact-about-groups", decision="agreed", method="phone",
            wording="May we contact you about new groups?",
        )  # fmt: skip


@pytest.fixture
def world():
    world = build_world()
    world.link_worker.profile.neighbourhoods.add(WARD)
    # Nobody meets this standard, so everyone who wants to be active lacks it within reach.
    AdequacyStandard.objects.create(category="active", minimum_within_reach=10_000)
    engine.forget()
    join_pool(world, world.person, world.link_worker)
    # Someone from the other team lives in the same ward and wants the same.
    world.neighbour = people.create_person(
        user=world.other_link_worker, team=world.south, given_name="Rene", family_name="Othersteam",
        postcode="M9 4DH", date_of_birth=dt.date(1948, 3, 2),
    )  # fmt: skip
    join_pool(world, world.neighbour, world.other_link_worker)
    # And someone who did not agree to be contacted is never in a pool.
    quiet = people.create_person(
        user=world.link_worker, team=world.north, given_name="Quinn", family_name="Quiet", postcode="M9 4DH"
    )
    join_pool(world, quiet, world.link_worker, agree=False)
    yield world
    engine.forget()


def test_the_pool_board_names_only_the_teams_own_people(client, world):
    sign_in(client, world.link_worker)
    page = client.get("/pools/").content.decode()
    row = page[page.index("Being active and walking") :]
    assert "Alex Testperson" in row and "Othersteam" not in page and "Quinn" not in page
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">*</td>' in row  # 2 people: under 8
    client.logout()
    sign_in(client, world.planner)
    assert client.get(f"/pools/?ward={WARD}").status_code == 403


def test_something_within_reach_means_no_pool(client, world):
    AdequacyStandard.objects.filter(category="active").update(minimum_within_reach=0, per_1000_residents=0)
    engine.forget()
    sign_in(client, world.link_worker)
    assert "Alex Testperson" not in client.get("/pools/").content.decode()


def test_a_pool_is_for_the_want_as_named_and_only_that_want_nearby_ends_it(client, world):
    AdequacyStandard.objects.filter(category="active").update(minimum_within_reach=1)
    add(listing("Test Chair Yoga", categories=["openactive:chair yoga"]))  # being active, at their postcode
    sign_in(client, world.link_worker)
    page = client.get("/pools/").content.decode()
    assert "Being active and walking: Walking groups" in page and "Alex Testperson" in page
    add(listing("Test Walking Group", categories=["active/walking"]))
    assert "Alex Testperson" not in client.get("/pools/").content.decode()


def test_the_board_does_not_grow_queries_with_people_in_the_pool(client, world):
    sign_in(client, world.link_worker)

    def counted():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/pools/").status_code == 200
        return len(queries)

    counted()  # the gap report is computed once and kept
    few = counted()
    for n in range(10):
        person = people.create_person(
            user=world.link_worker, team=world.north, given_name=f"P{n}", family_name="Pool", postcode="M9 4DH"
        )
        join_pool(world, person, world.link_worker)
    assert counted() == few


def test_a_pool_becomes_a_group_then_a_running_group_then_a_listing(client, world):
    sign_in(client, world.link_worker)
    no_partner = client.post(f"/pools/{WARD}/active/walking/open/", {"title": "Harpurhey walkers", "path": "partner"})
    assert no_partner.status_code == 400 and "Choose the local organisation" in no_partner.content.decode()
    opened = client.post(f"/pools/{WARD}/active/walking/open/", {"title": "Harpurhey walkers", "path": "self-organise"})
    opportunity = GroupOpportunity.objects.get()
    assert opened["Location"] == f"/groups/{opportunity.uuid}/" and opportunity.stage == "idea"
    act = f"/groups/{opportunity.uuid}/act/"
    page = client.get(opened["Location"]).content.decode()
    assert "Alex Testperson" in page and "Othersteam" not in page

    assert '<option value="">Choose their answer</option>' in page  # no answer is chosen for them
    unanswered = client.post(act, {"action": "contact", "person": world.person.uuid, "method": "phone"}, follow=True)
    assert "Choose how it went" in unanswered.content.decode() and not PoolContact.objects.exists()
    client.post(act, {"action": "contact", "person": world.person.uuid, "method": "phone", "outcome": "interested"})
    assert PoolContact.objects.get().outcome == "interested"
    assert (
        client.post(
            act, {"action": "contact", "person": world.neighbour.uuid, "method": "phone", "outcome": "interested"}
        ).status_code
        == 404
    )
    client.post(act, {"action": "task", "text": "Book the community centre", "due_on": "14/12/2026"})
    client.post(act, {"action": "done", "task": opportunity.tasks.get().pk})
    assert opportunity.tasks.get().done_at is not None
    skip = client.post(act, {"action": "stage", "stage": "running"}, follow=True)
    assert "Move one stage at a time." in skip.content.decode()
    early = client.post(act, {"action": "listing", "name": "x"}, follow=True)
    assert "A group becomes a listing once it is running." in early.content.decode()
    for stage in ("gathering", "first-meeting", "running"):
        client.post(act, {"action": "stage", "stage": stage})
    opportunity.refresh_from_db()
    assert opportunity.stage == "running"
    backwards = {"action": "listing", "name": "Harpurhey Walkers", "description": "Gentle walks", "byday": "TU",
                 "opens_at": "10:00", "closes_at": "09:00", "venue": "Library", "postcode": "M9 4DH"}  # fmt: skip
    bad = client.post(act, backwards)
    html = bad.content.decode()
    assert bad.status_code == 400 and "The end must be after the start." in html
    assert 'id="id_closes_at-error"' in html and 'value="Library"' in html  # beside its field; nothing lost
    assert "Give a phone number or an email address" in html
    client.post(act, {"action": "listing", "name": "Harpurhey Walkers", "description": "Gentle walks for anyone.",
                      "byday": "TU", "opens_at": "10:00", "closes_at": "11:00", "venue": "Harpurhey Library",
                      "postcode": "M9 4DH", "cost": "0", "phone": "0161 496 0456"})  # fmt: skip
    opportunity.refresh_from_db()
    service = opportunity.listing
    assert service.name == "Harpurhey Walkers" and service.status == "active"
    assert service.service_at_locations.get().location.ward_id == WARD
    assert service.schedules.get().byday == "TU"
    assert Connection.objects.filter(person=world.person, service=service).exists()  # the interested person
    assert not Connection.objects.filter(person=world.neighbour, service=service).exists()
    assert service.phones.get().number == "0161 496 0456"
    after = client.get(f"/groups/{opportunity.uuid}/").content.decode()
    assert "Alex Testperson" in after and "Interested" in after  # contacts stay after the pool has closed
    assert "1 person who was interested connected" in after
    shown = client.get(f"/services/{service.uuid}/").content.decode()
    assert "Started through Kith" in shown
    client.post(act, {"action": "stage", "stage": "handed-over"})
    opportunity.refresh_from_db()
    assert opportunity.stage == "handed-over"
    assert Service.objects.filter(source="kith-group").count() == 1


def test_other_teams_cannot_open_anyone_elses_opportunity(client, world):
    sign_in(client, world.link_worker)
    client.post(f"/pools/{WARD}/active/walking/open/", {"title": "Walkers", "path": "run"})
    opportunity = GroupOpportunity.objects.get()
    client.logout()
    sign_in(client, world.other_link_worker)
    assert client.get(f"/groups/{opportunity.uuid}/").status_code == 404
    assert client.post(f"/groups/{opportunity.uuid}/act/", {"action": "note", "text": "x"}).status_code == 404


def test_the_ward_profile_shows_pool_sizes_under_disclosure_control(client, world):
    page = client.get(f"/insight/wards/{WARD}/").content.decode()
    section = page[page.index("Interest pools") :]
    assert '<td>Being active and walking: Walking groups</td><td class="nhsuk-table__cell--numeric">*</td>' in section
    assert "Alex" not in page


def test_opening_a_second_group_for_a_pool_shows_the_first_to_join(client, world):
    sign_in(client, world.link_worker)
    client.post(f"/pools/{WARD}/active/walking/open/", {"title": "Walkers", "path": "run"})
    first = GroupOpportunity.objects.get()
    page = client.get(f"/pools/{WARD}/active/walking/open/").content.decode()
    assert "A group is already being started for this" in page and f"/groups/{first.uuid}/" in page
