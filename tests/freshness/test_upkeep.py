"""Fresh, trusted listings: the review queue, the dashboard, suggestions, claims, edits and reminders."""

import datetime as dt
import re

import pytest
from django.core import mail, signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kith.accounts.models import Role, StaffProfile
from kith.directory import services as directory
from kith.directory.models import ListingCheck, Service, TaxonomyTerm
from kith.directory.search.index import refresh_now
from kith.freshness import services as upkeep
from kith.freshness.models import Claim, ListingChange, ReviewPeriod, Suggestion
from kith.freshness.reminders import send_reminders
from tests.directory.helpers import M9_4DH, add, listing, point_north
from tests.personas import build_world, sign_in

pytestmark = pytest.mark.django_db
WARD = "E05011366"


@pytest.fixture
def world():
    world = build_world()
    world.link_worker.profile.neighbourhoods.add(WARD)
    return world


@pytest.fixture
def only_ours():
    """The ward without the demo directory's listings, so the queue holds only what a test adds."""
    ids = list(Service.objects.filter(service_at_locations__location__ward_id=WARD).values_list("id", flat=True))
    Service.objects.filter(id__in=ids).delete()
    directory.services_changed(service_ids=ids)


def queue(page: str) -> list[str]:
    return re.findall(r'<h2 class="nhsuk-card__heading nhsuk-heading-s"><a [^>]+>([^<]+)</a>', page)


def test_the_review_queue_lists_stale_listings_worst_first(client, world, only_ours):
    ReviewPeriod.objects.create(category=TaxonomyTerm.objects.get(code="advice"), days=90)
    add(
        listing("Fresh walk", checked_days_ago=10),
        listing("Old walk", at=point_north(M9_4DH, 100), checked_days_ago=200),
        listing("Never checked walk", at=point_north(M9_4DH, 200), checked_days_ago=None),
        listing("Advice drop-in", at=point_north(M9_4DH, 300), categories=("advice",), checked_days_ago=100),
        listing("Long-lived advice", at=point_north(M9_4DH, 400), categories=("active/walking",), checked_days_ago=100),
    )
    sign_in(client, world.link_worker)
    page = client.get("/listings/review/").content.decode()
    assert queue(page) == ["Never checked walk", "Old walk", "Advice drop-in"]
    assert "never checked" in page and "20 days overdue" in page and "10 days overdue" in page

    old = Service.objects.get(name="Old walk")
    response = client.post(
        f"/listings/{old.uuid}/check/", {"method": "visited", "note": "Still Tuesdays", "next": "/listings/review/"}
    )
    assert response.status_code == 302 and response["Location"] == "/listings/review/"
    assert queue(client.get("/listings/review/").content.decode()) == ["Never checked walk", "Advice drop-in"]
    shown = client.get(f"/services/{old.uuid}/").content.decode()
    assert "by a link worker (visited)" in shown and "Still Tuesdays" in shown
    bad = client.post(f"/listings/{old.uuid}/check/", {"method": "imported"}, follow=True)
    assert "Say how you checked it." in bad.content.decode()


def test_the_review_queue_costs_the_same_queries_however_many_are_stale(client, world, only_ours):
    sign_in(client, world.link_worker)
    add(*[listing(f"Stale {n}", at=point_north(M9_4DH, 10 * n), checked_days_ago=300) for n in range(3)])

    def counted():
        refresh_now()  # the search index takes the new listings in first: a splice or a build is not the page's cost
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/listings/review/").status_code == 200
        return len(queries)

    few = counted()
    add(*[listing(f"More {n}", at=point_north(M9_4DH, 10 * n + 5), checked_days_ago=300) for n in range(40)])
    assert counted() == few
    assert client.get("/listings/review/?ward=E09999999").status_code == 400


def test_the_freshness_dashboard_counts_each_listing_once_per_ward(client, only_ours):
    add(listing("Fresh", checked_days_ago=5), listing("Stale", at=point_north(M9_4DH, 50), checked_days_ago=400))
    page = client.get("/listings/freshness/?la=E08000003").content.decode()
    row = re.search(r"<td class=\"nhsuk-table__cell\">Harpurhey</td>(.*?)</tr>", page, re.S).group(1)
    numbers = re.findall(r">\s*(\d+)%?\s*<", row)
    assert numbers[:1] == ["2"] and "50%" in row
    assert client.get("/listings/freshness/?la=nowhere").status_code == 400


def test_anyone_can_suggest_a_change_and_a_link_worker_accepts_it(client, world):
    service = Service.objects.active().first()
    page = client.get(f"/services/{service.uuid}/").content.decode()
    assert f"/services/{service.uuid}/suggest/" in page
    bad = client.post(f"/services/{service.uuid}/suggest/", {"kind": "change", "details": ""})
    assert bad.status_code == 400 and "Tell us what has changed." in bad.content.decode()
    sent = client.post(
        f"/services/{service.uuid}/suggest/",
        {"kind": "change", "details": "Now on Thursdays", "reply_to": "me@example.org"},
    )
    assert sent.status_code == 200 and "Thank you" in sent.content.decode()
    suggestion = Suggestion.objects.get()
    sign_in(client, world.link_worker)
    assert "Now on Thursdays" in client.get("/listings/suggestions/").content.decode()
    form = client.get(f"/listings/suggestions/{suggestion.pk}/").content.decode()
    assert "me@example.org" in form
    no_method = client.post(f"/listings/suggestions/{suggestion.pk}/", {"decision": "accept"})
    assert no_method.status_code == 400 and "Say how you checked it before you accept." in no_method.content.decode()
    fields = {f"listing-{f}": getattr(service, f) for f in upkeep.EDITABLE}
    fields["listing-description"] = "Meets on Thursdays now."
    client.post(
        f"/listings/suggestions/{suggestion.pk}/", {**fields, "decision": "accept", "method": "phoned", "note": "Rang"}
    )
    service.refresh_from_db()
    suggestion.refresh_from_db()
    assert service.description == "Meets on Thursdays now."
    assert (suggestion.status, suggestion.reply_to, suggestion.decided_by) == ("accepted", "", world.link_worker)
    change = ListingChange.objects.get(service=service)
    assert change.via == "suggestion" and change.fields["description"][1] == "Meets on Thursdays now."
    assert ListingCheck.objects.filter(service=service, method="phoned", checked_by=world.link_worker).exists()
    history = client.get(f"/services/{service.uuid}/").content.decode()
    assert "link worker (suggestion)" in history


def test_a_closure_report_once_accepted_closes_the_listing(client, world):
    service = Service.objects.active().first()
    suggestion = upkeep.suggest(service=service, kind="closed", details="Shut in June")
    sign_in(client, world.link_worker)
    form = client.get(f"/listings/suggestions/{suggestion.pk}/").content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="(listing-[a-z_]+)" value="([^"]*)"', form))
    client.post(f"/listings/suggestions/{suggestion.pk}/", {**hidden, "decision": "accept", "method": "website"})
    service.refresh_from_db()
    assert service.status == "defunct"


def test_the_spam_trap_and_the_rate_limit(client):
    service = Service.objects.active().first()
    trapped = client.post(f"/services/{service.uuid}/suggest/", {"kind": "closed", "website": "http://spam"})
    assert trapped.status_code == 200 and not Suggestion.objects.exists()
    for _ in range(4):
        client.post(f"/services/{service.uuid}/suggest/", {"kind": "closed"})
    flood = client.post(f"/services/{service.uuid}/suggest/", {"kind": "closed"})
    assert flood.status_code == 429 and "Please wait a while" in flood.content.decode()
    assert Suggestion.objects.count() == 4


def test_an_organisation_claims_by_email_and_then_edits_its_listing(client, django_capture_on_commit_callbacks):
    service = Service.objects.active().exclude(email="").select_related("organisation").first()
    organisation = service.organisation
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/organisations/{organisation.uuid}/claim/", {"name": "Pat Organiser", "email": service.email.upper()}
        )
    assert "We have emailed a link" in response.content.decode()
    (email,) = mail.outbox
    assert email.to == [service.email.lower()]
    link = re.search(r"/claims/[^/\s]+/", email.body).group(0)
    weak = client.post(link, {"password": "short"})
    assert weak.status_code == 400 and "too short" in weak.content.decode()
    done = client.post(link, {"password": "a-long-organiser-password-2026"})
    assert done.status_code == 302
    editor = StaffProfile.objects.get(user__username=service.email.lower())
    assert (editor.role, editor.organisation) == (Role.ORGANISATION_EDITOR, organisation)
    assert client.post(link, {"password": "a-long-organiser-password-2026"}).status_code == 400  # used once

    from tests.personas import PASSWORD

    editor.user.set_password(PASSWORD)
    editor.user.save()
    sign_in(client, editor.user)
    assert service.name in client.get("/organisation/listings/").content.decode()
    fields = {f: getattr(service, f) for f in upkeep.EDITABLE}
    client.post(f"/listings/{service.uuid}/edit/", {**fields, "fees_description": "£2 a session"})
    service.refresh_from_db()
    assert service.fees_description == "£2 a session"
    assert ListingChange.objects.get(service=service).via == "organisation editor"
    assert service.checks.order_by("-checked_at").first().method == "organisation-confirmed"
    other = Service.objects.exclude(organisation=organisation).first()
    assert client.get(f"/listings/{other.uuid}/edit/").status_code == 404


def test_a_claim_without_the_listings_email_waits_for_an_administrator(
    client, world, django_capture_on_commit_callbacks
):
    organisation = Service.objects.active().first().organisation
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/organisations/{organisation.uuid}/claim/", {"name": "Someone", "email": "x@elsewhere.example"}
        )
    assert "An administrator will check" in response.content.decode()
    (told,) = mail.outbox  # the administrators are told, without the claimant's details
    assert told.to == [world.administrator.email] and "/listings/claims/" in told.body
    assert "x@elsewhere.example" not in told.body and organisation.name in told.subject
    mail.outbox.clear()
    claim = Claim.objects.get()
    assert str(claim) == f"Someone for {organisation.name} (waiting for an administrator)"
    assert claim.status == "waiting"
    forged = signing.dumps(claim.pk, salt="another-salt")
    assert "not one Kith sent" in client.get(f"/claims/{forged}/").content.decode()
    assert client.get(f"/claims/{signing.dumps(claim.pk, salt=upkeep.CLAIM_SALT)}/").status_code == 400  # not approved
    sign_in(client, world.administrator)
    assert "x@elsewhere.example" in client.get("/listings/claims/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        decided = client.post("/listings/claims/", {"claim": claim.pk, "decision": "approve"}, follow=True)
    assert "we emailed x@elsewhere.example a link to finish" in decided.content.decode()
    (email,) = mail.outbox
    assert email.to == ["x@elsewhere.example"] and "/claims/" in email.body


def test_editors_are_reminded_once_before_listings_go_stale(world):
    world.organisation_editor.email = "club@example.org"
    world.organisation_editor.save()
    (soon, fresh) = add(
        listing("Club walk", checked_days_ago=170), listing("Club quiz", at=point_north(M9_4DH, 80), checked_days_ago=5)
    )
    Service.objects.filter(id__in=[soon.id, fresh.id]).update(organisation=world.organisation)
    now = dt.datetime.now(dt.UTC)
    assert send_reminders(within_days=14, now=now) == 1
    (email,) = mail.outbox
    assert "Club walk" in email.body and "Club quiz" not in email.body and "stale in 10 days" in email.body
    assert send_reminders(within_days=14, now=now) == 0


def test_an_organisation_changes_when_it_meets_and_adds_a_one_off_event(client, world, only_ours):
    (walk,) = add(listing("Club walk", days="TU"))
    Service.objects.filter(pk=walk.pk).update(organisation=world.organisation)
    sign_in(client, world.organisation_editor)
    form = client.get(f"/listings/{walk.uuid}/edit/").content.decode()
    assert 'value="TU" checked' in form and 'value="10:00"' in form
    fields = {f: getattr(walk, f) for f in upkeep.EDITABLE}
    client.post(f"/listings/{walk.uuid}/edit/", {**fields, "days": ["TH"], "opens_at": "14:00", "closes_at": "15:30"})
    rule = walk.schedules.get()
    assert (rule.byday, rule.opens_at) == ("TH", dt.time(14))
    change = ListingChange.objects.get(service=walk)
    assert change.fields["schedule"] == ["Tuesdays, 10am to 11:30am", "Thursdays, 2pm to 3:30pm"]

    place = walk.service_at_locations.get().location
    day = dt.date.today() + dt.timedelta(days=3)
    past = client.post(
        "/organisation/listings/", {"name": "Fun day", "day": "01/01/2020", "opens_at": "11:00", "place": place.pk}
    )
    assert past.status_code == 400 and "The date has passed." in past.content.decode()
    client.post(
        "/organisation/listings/",
        {
            "name": "Winter fun day",
            "day": day.strftime("%d/%m/%Y"),
            "opens_at": "11:00",
            "closes_at": "15:00",
            "place": place.pk,
        },
    )
    event = Service.objects.get(name="Winter fun day")
    assert event.organisation == world.organisation and event.schedules.get().dtstart == day
    week = client.get(f"/whats-on/?area={WARD}").content.decode()
    assert ">Winter fun day</a>" in week and ">Club walk</a>" in week


def test_a_staff_note_on_a_check_is_never_published_unless_written_for_the_public(client, world):
    service = Service.objects.filter(is_demo=True).first()
    sign_in(client, world.lead)
    page = client.get(f"/services/{service.uuid}/").content.decode()
    assert "Note for staff (optional)" in page and "Note for the public (optional)" in page
    client.post(
        f"/listings/{service.uuid}/check/",
        {"method": "phoned", "note": "Spoke to the pharmacist, Mrs Patel, about her son", "public_note": ""},
    )
    public = Client().get(f"/services/{service.uuid}/").content.decode()
    assert "Checked" in public and "pharmacist" not in public and "Patel" not in public
    assert "Spoke to the pharmacist" in client.get(f"/services/{service.uuid}/").content.decode()  # staff see it
    client.post(
        f"/listings/{service.uuid}/check/",
        {"method": "visited", "note": "Private words", "public_note": "Now meets in the back room"},
    )
    public = Client().get(f"/services/{service.uuid}/").content.decode()
    assert "Now meets in the back room" in public and "Private words" not in public


@pytest.mark.parametrize(
    ("words", "page_says", "free"),
    [("Free; donations welcome", "Free; donations welcome", True), ("£3 a session", "£3 a session", False)],
)
def test_an_edited_cost_reaches_the_page_search_feeds_and_the_api(client, world, words, page_says, free):
    from tests.directory.helpers import M9_4DH, add, listing

    (service,) = add(listing("Test Cost Edit Walk", at=M9_4DH, cost=0.0))
    upkeep.edit_listing(user=world.link_worker, service=service, changes={"fees_description": words}, via="test")
    page = client.get(f"/services/{service.uuid}/").content.decode()
    assert page_says in page
    found = client.get("/search/", {"q": "cost edit walk", "near": "M9 4DH", "free": "1"}).content.decode()
    assert ("Test Cost Edit Walk" in found) is free
    rows = client.get("/search.csv", {"q": "cost edit walk", "near": "M9 4DH"}).content.decode()
    assert page_says in rows
    api = client.get(f"/api/oruk/services/{service.uuid}").json()
    assert [float(c["amount"]) for c in api["cost_options"]] == ([0.0] if free else [3.0])
