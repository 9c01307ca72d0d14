"""The link worker's pages: caseload, record, suggestions, connections, shared lists, export and erasure."""

import datetime as dt
import json
import re

import pytest
from django.db import connection as db
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kith.core.models import AuditEvent
from kith.directory.models import Service, TaxonomyTerm
from kith.feeds.importers.records import OrganisationRecord
from kith.matching import services as matching
from kith.matching.models import Connection, ShareableList
from kith.matching.suggest import suggest
from kith.people import services as people
from kith.people.models import Person, Referral
from tests.directory.helpers import M9_4DH, add, listing, point_north
from tests.personas import build_world, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def worker(client, world):
    sign_in(client, world.link_worker)
    return client


def walking_want(world, priority=1):
    return people.add_want(
        user=world.link_worker,
        person=world.person,
        term=TaxonomyTerm.objects.get(code="active/walking"),
        priority=priority,
    )


def test_suggestions_fit_wants_and_barriers_with_reasons(world, worker):
    walking_want(world)
    add(
        listing("Test Suggest Near Free", at=point_north(M9_4DH, 500), step_free=True),
        listing("Test Suggest Paid", at=point_north(M9_4DH, 400), cost=4.0, step_free=True),
        listing("Test Suggest Far", at=point_north(M9_4DH, 1200), step_free=True),
        listing("Test Suggest Steps", at=point_north(M9_4DH, 300), step_free=False),
    )
    people.set_barriers(user=world.link_worker, person=world.person, kinds={"cost", "mobility"})
    names = [s.service.name for s in suggest(world.person, limit=50)]
    assert "Test Suggest Near Free" in names
    assert not {"Test Suggest Paid", "Test Suggest Far", "Test Suggest Steps"} & set(names)  # cost, 800 m, steps
    html = worker.get(f"/people/{world.person.uuid}/suggestions/").content.decode().replace("\xa0", " ")
    assert "free · 500 m · Tuesday mornings · step-free · checked 1 week ago" in html


def test_suggestions_match_the_want_at_the_level_it_was_named(world):
    walking_want(world)
    add(
        listing("Test Level Walk", categories=["active/walking"]),
        listing("Test Level Chair Yoga", categories=["openactive:chair yoga"]),
        listing("Test Level Nordic", categories=["openactive:nordic walking"]),
    )
    names = {s.service.name for s in suggest(world.person, limit=50)}
    assert {"Test Level Walk", "Test Level Nordic"} <= names and "Test Level Chair Yoga" not in names
    # Someone who only said "being active" is offered all of it.
    world.person.wants.update(term=TaxonomyTerm.objects.get(code="active"))
    assert "Test Level Chair Yoga" in {s.service.name for s in suggest(world.person, limit=50)}


def test_no_suggestions_says_why_and_what_to_do_next(world, worker):
    url = f"/people/{world.person.uuid}/suggestions/"
    assert "Add a want" in worker.get(url).content.decode()  # nothing wanted yet
    walking_want(world)
    add(listing("Test Steps Walk", at=point_north(M9_4DH, 300), step_free=False))
    people.set_barriers(user=world.link_worker, person=world.person, kinds={"mobility"})
    html = worker.get(url).content.decode()
    assert "Nothing within reach fits yet" in html
    assert re.search(r"\d+ listings? would fit if what gets in the way did not narrow", html)
    assert "near=M9+4DH&amp;category=active" in html


def test_choosing_suggestions_records_connections_and_a_shared_list(world, worker):
    walking_want(world)
    (service,) = add(listing("Test Choose Walk", at=point_north(M9_4DH, 300)))
    response = worker.post(
        f"/people/{world.person.uuid}/suggestions/", {"service": [service.uuid], "action": "connect"}
    )
    assert response.status_code == 302
    connection = Connection.objects.get(person=world.person, service=service)
    assert connection.status == "suggested" and connection.follow_up_on > timezone.localdate()
    response = worker.post(f"/people/{world.person.uuid}/suggestions/", {"service": [service.uuid], "action": "share"})
    shared = ShareableList.objects.get(person=world.person)
    assert response["Location"] == f"/lists/{shared.token}/"
    assert (shared.expires_at - timezone.now()).days in (89, 90)
    assert len(shared.token) >= 40


def test_a_shared_list_shows_the_activities_and_nothing_about_the_person(world, client):
    (service,) = add(listing("Test Shared Walk"))
    shared = matching.share_list(user=world.link_worker, person=world.person, services=[service])
    response = client.get(f"/lists/{shared.token}/")
    html = response.content.decode()
    assert response.status_code == 200 and "Test Shared Walk" in html and "1 Test Street" in html
    for secret in ["Alex", "Testperson", "M9 4DH", "1950", "Lonely"]:
        assert secret not in html
    assert response["Referrer-Policy"] == "no-referrer" and response["Cache-Control"] == "no-store"
    ShareableList.objects.filter(pk=shared.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(f"/lists/{shared.token}/").status_code == 404
    assert client.get("/lists/guess/").status_code == 404


def test_connection_pipeline_keeps_history_and_refuses_stale_edits(world, worker):
    (service,) = add(listing("Test Pipeline Walk"))
    (connection,) = matching.connect(user=world.link_worker, person=world.person, services=[service])
    url = f"/people/{world.person.uuid}/connections/{connection.pk}/"
    worker.post(url, {"status": "attending", "persons_words": "Lovely people", "version": connection.version})
    connection.refresh_from_db()
    assert (connection.status, connection.persons_words, connection.version) == ("attending", "Lovely people", 2)
    response = worker.post(url, {"status": "stopped", "reason": "moved", "version": 1}, follow=True)
    assert "Someone else updated this connection" in response.content.decode()
    response = worker.post(url, {"status": "stopped", "version": 2}, follow=True)
    assert "Say why it stopped" in response.content.decode()
    assert list(connection.updates.values_list("status", flat=True)) == ["suggested", "attending"]


def test_caseload_shows_due_follow_ups_and_sustained_connections(world, worker):
    (service,) = add(listing("Test Caseload Walk"))
    (connection,) = matching.connect(user=world.link_worker, person=world.person, services=[service])
    Connection.objects.filter(pk=connection.pk).update(
        status="attending",
        status_changed_at=timezone.now() - dt.timedelta(weeks=9),
        follow_up_on=timezone.localdate() - dt.timedelta(days=1),
    )
    response = worker.get("/people/")
    html = response.content.decode()
    assert response.status_code == 200 and "Alex Testperson" in html and "Sam Elsewhere" not in html
    assert "1 connection to check" in html
    assert response.context["sustained"] == 1
    # A queue of referrals waiting is work to do; no count of referrals is ever a measure, let alone a target.
    assert not re.search(r"referrals? (made|received|rate|target)", html.lower())


def test_caseload_of_250_people_renders_in_as_many_queries_as_one(world, worker):
    """The queries do not grow with people: a fixed few for the records, and one per queue the home counts."""
    worker.get("/people/")  # the search index, which counts listings to check, is built once per process
    with CaptureQueriesContext(db) as one:
        worker.get("/people/")
    people_rows = [
        Person(
            team=world.north,
            given_name=f"P{i}",
            family_name="Load",
            postcode="M9 4DH",
            lsoa_id="E01005205",
            ward_id="E05011366",
            link_worker=world.link_worker,
        )
        for i in range(249)
    ]
    Person.objects.bulk_create(people_rows)
    with CaptureQueriesContext(db) as captured:
        response = worker.get("/people/")
    assert response.status_code == 200 and len(response.context["rows"]) == 250
    # The audit trail of reads is inserted in batches of 100: two more batches for 249 more people.
    assert len(captured) <= len(one) + 2 <= 26, [q["sql"][:80] for q in captured]
    assert AuditEvent.objects.filter(what="person", action="read", detail__purpose="caseload").count() >= 250


def test_record_page_and_edit_with_a_stale_version(world, worker):
    html = worker.get(f"/people/{world.person.uuid}/").content.decode()
    assert "Alex Testperson" in html and "Harpurhey ward" in html and "Article 9(2)(h)" in html
    form = {
        "given_name": "Alex",
        "family_name": "Testperson",
        "postcode": "M9 4DH",
        "referral_source": "gp",
        "version": world.person.version,
    }
    assert worker.post(f"/people/{world.person.uuid}/edit/", {**form, "phone": "0161 496 0100"}).status_code == 302
    response = worker.post(f"/people/{world.person.uuid}/edit/", {**form, "phone": "0161 496 0200"})
    assert response.status_code == 400 and "Someone else saved changes" in response.content.decode()
    assert Person.objects.get(pk=world.person.pk).phone == "0161 496 0100"


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"swemwbs_1": "3"}, "SWEMWBS needs all seven answers"),
        ({**{f"swemwbs_{i}": "3" for i in range(1, 8)}, "swemwbs_7": "9"}, "from the list"),
        ({**{f"swemwbs_{i}": "3" for i in range(1, 8)}, "taken_on": "1/1/2999"}, "cannot be in the future"),
    ],
)
def test_wellbeing_form_refuses_bad_scores_with_words(world, worker, post, message):
    data = {"occasion": "baseline", "taken_on": "1/11/2026", **post}
    response = worker.post(f"/people/{world.person.uuid}/wellbeing/swemwbs/", data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_wellbeing_recorded_and_charted(world, worker):
    for day, score in [("1/9/2026", "2"), ("1/11/2026", "4")]:
        data = {"occasion": "baseline", "taken_on": day, **{f"swemwbs_{i}": score for i in range(1, 8)}}
        assert worker.post(f"/people/{world.person.uuid}/wellbeing/swemwbs/", data).status_code == 302
    html = worker.get(f"/people/{world.person.uuid}/").content.decode()
    assert "up 9.71 since the first" in html  # raw 14 → 15.32, raw 28 → 25.03 in the published table
    assert "<svg" in html and "SWEMWBS metric score over time" in html


def test_duplicate_flagged_in_the_add_form(world, worker):
    form = {
        "given_name": "Alex",
        "family_name": "Testperson",
        "date_of_birth": "17/5/1950",
        "postcode": "M9 4DH",
        "referral_source": "self",
    }
    response = worker.post("/people/new/", form)
    assert response.status_code == 400 and "Possible duplicate" in response.content.decode()
    assert worker.post("/people/new/", {**form, "confirm": "different"}).status_code == 302


def test_subject_access_export_as_json_and_page(world, worker):
    walking_want(world)
    people.add_note(user=world.link_worker, person=world.person, text="Likes dogs.")
    response = worker.get(f"/people/{world.person.uuid}/export/?format=json")
    data = json.loads(response.content)
    assert data["person"]["family_name"] == "Testperson" and data["notes"][0]["text"] == "Likes dogs."
    assert data["wants"][0]["want"] == "Walking groups"
    assert "attachment" in response["Content-Disposition"]
    assert "Likes dogs." in worker.get(f"/people/{world.person.uuid}/export/").content.decode()
    assert AuditEvent.objects.filter(person=world.person.uuid, action="export").count() == 2


def test_erasure_removes_identifiers_keeps_aggregates_and_the_trail(world, client):
    walking_want(world)
    people.add_note(user=world.link_worker, person=world.person, text="Private words.")
    sign_in(client, world.administrator)
    wrong = client.post(f"/people/{world.person.uuid}/erase/", {"confirm": "Testpersin"})
    assert wrong.status_code == 400 and 'value="Testpersin"' in wrong.content.decode()  # the typo, to correct
    assert Person.objects.get(pk=world.person.pk).anonymised_at is None
    client.post(f"/people/{world.person.uuid}/erase/", {"confirm": "Testperson"})
    erased = Person.objects.get(pk=world.person.pk)
    assert (erased.given_name, erased.date_of_birth, erased.postcode, erased.phone) == ("(erased)", None, "M9", "")
    assert erased.lsoa_id == "E01005205" and erased.wants.count() == 1 and erased.notes.count() == 0
    html = client.get(f"/people/{world.person.uuid}/audit/").content.decode()
    assert "erase" in html and "lw-north" in html
    assert client.get(f"/people/{world.person.uuid}/").status_code == 404  # no longer a care record


def test_retention_anonymises_records_closed_longer_than_the_period(world):
    people.close_person(user=world.link_worker, person=world.person, version=world.person.version)
    Person.objects.filter(pk=world.person.pk).update(closed_at=timezone.now() - dt.timedelta(days=365 * 8 + 10))
    people.close_person(user=world.other_link_worker, person=world.other_person, version=world.other_person.version)
    assert people.apply_retention(years=8, dry_run=True) == 1
    assert people.apply_retention(years=8) == 1
    assert Person.objects.get(pk=world.person.pk).anonymised_at is not None
    assert Person.objects.get(pk=world.other_person.pk).anonymised_at is None
    assert AuditEvent.objects.filter(person=world.person.uuid, action="erase", detail__reason__startswith="retention")


def test_referral_by_a_professional_goes_to_the_team_covering_the_postcode(world, client):
    from kith.geo.models import Area

    world.north.wards.add(Area.objects.get(code="E05011366"))
    sign_in(client, world.professional)
    form = {
        "given_name": "Jo",
        "family_name": "Referred",
        "date_of_birth": "2/3/1960",
        "postcode": "M9 4DH",
        "reason": "Isolated after a stroke",
        "agreed": "on",
    }
    assert client.post("/referrals/", {**form, "agreed": ""}).status_code == 400
    bad_number = client.post("/referrals/", {**form, "nhs_number": "943 476 5918"})
    assert bad_number.status_code == 400 and "NHS number is not right" in bad_number.content.decode()
    sent = client.post("/referrals/", {**form, "nhs_number": "943 476 5919"}, follow=True)
    assert "Referral sent to North Manchester test team" in sent.content.decode()
    referral = Referral.objects.get(family_name="Referred")
    assert (referral.team, referral.referrer, referral.source, referral.status) == (
        world.north, world.professional, "gp", "new",
    )  # fmt: skip
    assert not Person.objects.filter(family_name="Referred").exists()  # waiting in the queue, not yet a record
    assert client.post("/referrals/", {**form, "postcode": "WA14 4PU"}).status_code == 400  # no team there
    page = client.get(f"/referrals/{referral.uuid}/").content.decode()
    assert "Isolated after a stroke" in page and "1960" not in page and "Waiting" in page

    worker = Client()
    sign_in(worker, world.link_worker)
    queue = worker.get("/referral-queue/").content.decode()
    assert "Jo Referred" in queue and "Robin Waiting" not in queue  # the south team's referral is theirs
    assert "1 referral waiting" in worker.get("/people/").content.decode()
    waiting = worker.get(f"/referral-queue/{referral.uuid}/").content.decode()
    assert "Not given: ask " + world.professional.get_full_name() in waiting  # no phone: the referrer knows
    accepted = worker.post(f"/referral-queue/{referral.uuid}/", {"action": "accept-new"})
    person = Person.objects.get(family_name="Referred")
    assert accepted["Location"] == f"/people/{person.uuid}/"
    assert (person.team, person.referred_by, person.referral_source, person.snomed_code, person.nhs_number) == (
        world.north, world.professional, "gp", "871731000000106", "9434765919",
    )  # fmt: skip
    assert "Accepted" in client.get(f"/referrals/{referral.uuid}/").content.decode()
    again = worker.post(f"/referral-queue/{referral.uuid}/", {"action": "decline", "reason": "x"})
    assert again.status_code == 200 and "Accepted" in again.content.decode()  # decided once only


def test_a_link_worker_declines_with_a_reason_the_referrer_sees_or_matches_a_known_person(world, client):
    from kith.geo.models import Area
    from kith.people import services

    world.north.wards.add(Area.objects.get(code="E05011366"))

    declined = services.make_referral(
        user=world.professional, source="gp", postcode="M9 4DH", given_name="Pat", family_name="Elsewhere",
        words="Needs a befriender", agreed=True,
    )  # fmt: skip
    known = services.make_referral(
        user=world.professional, source="gp", postcode="M9 4DH", given_name="Alex", family_name="Testperson",
        date_of_birth=dt.date(1950, 5, 17), words="Now wants a choir too", agreed=True,
    )  # fmt: skip
    sign_in(client, world.link_worker)
    empty = client.post(f"/referral-queue/{declined.uuid}/", {"action": "decline", "reason": ""})
    assert empty.status_code == 400 and "Say why it is declined" in empty.content.decode()
    client.post(f"/referral-queue/{declined.uuid}/", {"action": "decline", "reason": "Already with the Moston team"})
    page = client.get(f"/referral-queue/{known.uuid}/").content.decode()
    assert "They may already have a record" in page and f"/people/{world.person.uuid}/" in page
    new_anyway = client.post(f"/referral-queue/{known.uuid}/", {"action": "accept-new"})
    assert new_anyway.status_code == 400 and "already exist" in new_anyway.content.decode()
    client.post(f"/referral-queue/{known.uuid}/", {"action": "accept-known", "person": world.person.uuid})
    known.refresh_from_db()
    assert known.status == "accepted" and known.person == world.person
    assert Person.objects.filter(family_name="Testperson").count() == 1
    client.post("/accounts/sign-out/")
    sign_in(client, world.professional)
    listing_page = client.get("/referrals/").content.decode()
    assert "Declined: Already with the Moston team" in listing_page


def test_a_professional_withdraws_a_waiting_referral(world, client):
    from kith.geo.models import Area
    from kith.people import services

    world.north.wards.add(Area.objects.get(code="E05011366"))

    waiting = services.make_referral(
        user=world.professional, source="gp", postcode="M9 4DH", given_name="Sol", words="Walks", agreed=True
    )
    sign_in(client, world.professional)
    client.post(f"/referrals/{waiting.uuid}/", {"action": "withdraw"})
    waiting.refresh_from_db()
    assert waiting.status == "withdrawn"


def test_note_history_is_shown_on_the_record(world, worker):
    note = people.add_note(user=world.link_worker, person=world.person, text="First words.")
    people.edit_note(user=world.link_worker, note=note, text="Second words.", version=note.version)
    html = worker.get(f"/people/{world.person.uuid}/").content.decode()
    assert "Second words." in html and "Earlier versions" in html and "First words." in html


def test_two_people_saving_one_note_lose_nothing(world, client):
    from django.test import Client

    note = people.add_note(user=world.link_worker, person=world.person, text="Original.")
    first, second = client, Client()
    sign_in(first, world.link_worker)
    sign_in(second, world.lead)
    url = f"/people/{world.person.uuid}/notes/{note.pk}/"
    for reader in (first, second):  # both open the note before either saves
        assert 'name="version" value="1"' in reader.get(url).content.decode()
    assert first.post(url, {"text": "First person's words.", "version": 1}).status_code == 302
    clash = second.post(url, {"text": "Second person's words.", "version": 1})
    page = clash.content.decode()
    assert clash.status_code == 409 and "your changes were not saved" in page
    assert "Second person&#x27;s words." in page and "First person&#x27;s words." in page  # theirs and yours
    assert 'name="version" value="2"' in page
    note.refresh_from_db()
    assert note.text == "First person's words." and list(note.revisions.values_list("text", flat=True)) == ["Original."]
    assert second.post(url, {"text": "Both people's words.", "version": 2}).status_code == 302
    note.refresh_from_db()
    assert note.text == "Both people's words."
    assert sorted(note.revisions.values_list("text", flat=True)) == ["First person's words.", "Original."]


def test_a_stale_note_edit_through_the_service_is_refused(world):
    note = people.add_note(user=world.link_worker, person=world.person, text="One.")
    people.edit_note(user=world.link_worker, note=note, text="Two.", version=1)
    with pytest.raises(people.StaleRecord):
        people.edit_note(user=world.lead, note=note, text="Three.", version=1)


def test_a_link_worker_stops_a_shared_list_working(world, worker):
    service = Service.objects.filter(is_demo=True).first()
    shared = matching.share_list(user=world.link_worker, person=world.person, services=[service])
    assert worker.get(f"/lists/{shared.token}/").status_code == 200
    page = worker.get(f"/people/{world.person.uuid}/").content.decode()
    assert f"/people/{world.person.uuid}/lists/{shared.pk}/revoke/" in page
    response = worker.post(f"/people/{world.person.uuid}/lists/{shared.pk}/revoke/")
    assert response.status_code == 302 and response["Location"].endswith("#lists")
    assert worker.get(f"/lists/{shared.token}/").status_code == 404
    assert AuditEvent.objects.filter(what="shared list", detail__revoked=True).count() == 1
    again = worker.post(f"/people/{world.person.uuid}/lists/{shared.pk}/revoke/", follow=True)
    assert "already stopped working" in again.content.decode()


def test_another_team_cannot_stop_a_list(world, client):
    service = Service.objects.filter(is_demo=True).first()
    shared = matching.share_list(user=world.link_worker, person=world.person, services=[service])
    sign_in(client, world.other_link_worker)
    assert client.post(f"/people/{world.person.uuid}/lists/{shared.pk}/revoke/").status_code == 404
    shared.refresh_from_db()
    assert shared.revoked_at is None


def test_closing_and_reopening_a_record_through_its_page(world, worker):
    url = f"/people/{world.person.uuid}/"
    assert "Close the record" in worker.get(url).content.decode()
    form = worker.get(f"{url}close/")
    assert form.status_code == 200 and "Why is it being closed?" in form.content.decode()
    refused = worker.post(f"{url}close/", {"version": world.person.version})
    assert refused.status_code == 400 and "Choose why" in refused.content.decode()
    done = worker.post(f"{url}close/", {"version": world.person.version, "reason": "goals-met"})
    assert done.status_code == 302
    world.person.refresh_from_db()
    assert world.person.closed_at is not None
    assert "Alex" not in worker.get("/people/").content.decode()
    assert "Alex" in worker.get("/people/closed/").content.decode()
    assert AuditEvent.objects.filter(person=world.person.uuid, detail__reason="goals-met").exists()
    assert worker.post(f"{url}reopen/", {"version": world.person.version}).status_code == 302
    world.person.refresh_from_db()
    assert world.person.closed_at is None
    assert "Alex" in worker.get("/people/").content.decode()


def test_retention_anonymises_a_record_closed_through_its_page_once_it_is_old_enough(world, worker):
    from click.testing import CliRunner

    from kith.cli import main

    worker.post(f"/people/{world.person.uuid}/close/", {"version": world.person.version, "reason": "moved-away"})
    result = CliRunner().invoke(main, ["retention"])
    assert "0 records" in result.output  # closed today: kept
    Person.objects.filter(pk=world.person.pk).update(closed_at=timezone.now() - dt.timedelta(days=365 * 8 + 3))
    result = CliRunner().invoke(main, ["retention"])
    assert result.exit_code == 0 and "1 record closed over 8 years ago were anonymised" in result.output
    world.person.refresh_from_db()
    assert world.person.anonymised_at is not None and world.person.family_name == "(erased)"


def test_one_activity_at_several_places_is_one_suggestion_linked_with_its_barriers_explained(world, worker):
    walking_want(world)
    specs = [
        listing("Test Circle Walk", at=point_north(M9_4DH, metres), key=f"test:circle-{metres}")
        for metres in (900, 300, 600)
    ]
    for n, spec in enumerate(specs):  # three listings of one group's walk, one per place
        spec.source_id, spec.organisation = f"test:circle-{n}", OrganisationRecord("Circle Walkers", "Circle Walkers")
    add(*specs)
    people.set_barriers(user=world.link_worker, person=world.person, kinds={"cost", "confidence"})
    found = [s for s in suggest(world.person, limit=50) if s.service.name == "Test Circle Walk"]
    assert len(found) == 1
    (circle,) = found
    assert circle.distance_m < 350 and [d for _, d in circle.elsewhere] == ["600 m", "900 m"]
    html = worker.get(f"/people/{world.person.uuid}/suggestions/").content.decode().replace("\xa0", " ")
    assert html.count(">Test Circle Walk</strong>") == 1 and "Also at:" in html
    assert f'href="/services/{circle.service.uuid}/"' in html
    assert "In order of how much they want it, then how near it is" in html
    notes = html[html.index('id="barrier-notes"') :]
    assert "<strong>Cost</strong>: only free listings are suggested." in notes
    assert "<strong>Confidence or anxiety</strong>: not taken into account, because no listing says" in notes


def test_consent_to_share_names_the_organisation_and_chooses_among_matches(world, worker):
    from kith.directory.models import Organisation
    from kith.people.models import Consent

    Organisation.objects.create(name="Harpurhey Walkers")
    Organisation.objects.create(name="Harpurhey Walkers Café")
    url = f"/people/{world.person.uuid}/consents/"
    form = {"purpose": "share-with-organisation", "decision": "agreed", "method": "in-person",
            "wording": "May we tell the walkers you are coming?"}  # fmt: skip
    page = worker.get(f"/people/{world.person.uuid}/").content.decode()
    assert "directory id" not in page and 'name="organisation_name"' in page
    several = worker.post(url, {**form, "organisation_name": "harpurhey walk"})
    html = several.content.decode()
    assert several.status_code == 200 and "Which organisation?" in html
    assert "Harpurhey Walkers</label>" in html and "Harpurhey Walkers Café</label>" in html
    chosen = Organisation.objects.get(name="Harpurhey Walkers Café")
    done = worker.post(url, {**form, "organisation_name": "harpurhey walk", "organisation": str(chosen.uuid)})
    assert done.status_code == 302 and Consent.objects.get(person=world.person).organisation == chosen
    worker.post(url, {**form, "organisation_name": "Harpurhey Walkers"})  # an exact name needs no choosing
    assert Consent.objects.filter(organisation__name="Harpurhey Walkers").count() == 1
    nothing = worker.post(url, {**form, "organisation_name": "Nowhere Knitters"})
    html = nothing.content.decode()
    assert nothing.status_code == 400 and "No organisation in the directory has a name like “Nowhere Knitters”" in html
    assert 'value="Nowhere Knitters"' in html and 'id="id_organisation_name-error"' in html  # beside the box, kept


def test_a_link_worker_passes_on_a_request_to_be_forgotten_and_an_administrator_carries_it_out(
    world, client, django_capture_on_commit_callbacks
):
    from django.core import mail

    world.administrator.email = "admin@example.org"
    world.administrator.save()
    sign_in(client, world.link_worker)
    page = client.get(f"/people/{world.person.uuid}/").content.decode()
    assert f'href="/people/{world.person.uuid}/export/"' in page
    assert f'href="/people/{world.person.uuid}/erase/request/"' in page and '/erase/"' not in page
    refused = client.post(f"/people/{world.person.uuid}/erase/request/", {"reason": " "})
    assert refused.status_code == 400 and "Say what the person asked for" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/people/{world.person.uuid}/erase/request/", {"reason": "Asked on the phone today."})
    assert done.status_code == 302
    (email,) = mail.outbox
    assert email.to == ["admin@example.org"] and "Alex" not in email.body and "/people/erasure-requests/" in email.body
    client.post("/accounts/sign-out/")
    sign_in(client, world.administrator)
    queue = client.get("/people/erasure-requests/").content.decode()
    assert "Alex Testperson" in queue and "Asked on the phone today." in queue
    client.post(f"/people/{world.person.uuid}/erase/", {"confirm": "Testperson"})
    assert "No requests waiting." in client.get("/people/erasure-requests/").content.decode()


def test_the_export_page_uses_peoples_words(world, worker):
    people.update_person(
        user=world.link_worker, person=world.person, version=world.person.version, languages="ur,pl",
        snomed_code="871731000000106",
    )  # fmt: skip
    page = worker.get(f"/people/{world.person.uuid}/export/").content.decode()
    for words in ["Given name", "Date of birth", "17 May 1950", "SNOMED code", "Urdu, Polish", "GP practice"]:
        assert words in page, words
    for field in ["given_name", "snomed_code", "referral_source", "1950-05-17"]:
        assert field not in page, field


def test_the_record_page_shows_place_and_language_names_not_codes(world, worker):
    people.update_person(
        user=world.link_worker, person=world.person, version=world.person.version, languages="ur,pl",
        available_times="morning,evening",
    )  # fmt: skip
    page = worker.get(f"/people/{world.person.uuid}/").content.decode()
    assert "Urdu, Polish" in page and "Mornings, Evenings" in page and "ward)" in page
    assert "LSOA" not in page and "E0100" not in page and "morning,evening" not in page


def test_suggestions_read_the_persons_own_words_as_search_does(world, worker):
    people.add_want(
        user=world.link_worker,
        person=world.person,
        term=TaxonomyTerm.objects.get(code="arts"),
        priority=1,
        words="Used to love her knitting and a natter",
    )
    add(
        listing("Test Words Painting", categories=["arts/painting"], at=point_north(M9_4DH, 100)),
        listing("Test Words Knitters", categories=["arts/crafts"], at=point_north(M9_4DH, 900)),
    )
    names = [s.service.name for s in suggest(world.person, limit=50) if s.service.name.startswith("Test Words")]
    assert names == ["Test Words Knitters", "Test Words Painting"]  # nearer, but not what her words named
    html = worker.get(f"/people/{world.person.uuid}/suggestions/").content.decode()
    assert "Crafts and knitting, as their words say" in html
