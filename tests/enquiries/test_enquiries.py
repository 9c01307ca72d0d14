"""Ask the locality expert: a professional asks, the ward's link workers answer, both get email."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kith.directory.models import Service
from kith.enquiries import services as enquiries
from kith.enquiries.models import Enquiry, UnmetSearch
from kith.geo.models import Area
from tests.directory.helpers import M9_4DH, add, listing, point_north
from tests.personas import build_world, make_user, sign_in

pytestmark = pytest.mark.django_db
WARD = "E05011366"  # the ward of M9 4DH, where the demo directory has walking groups


@pytest.fixture
def world():
    world = build_world()
    for user, email in [(world.link_worker, "lw@example.org"), (world.professional, "gp@example.org")]:
        user.email = email
        user.save()
    world.link_worker.profile.neighbourhoods.add(WARD)
    return world


def ask(client, **changes):
    data = {"ward": WARD, "category": "active", "need": "Wants to walk, anxious in big groups, no car"}
    data.update(changes)
    data.setdefault("barriers", ["transport", "confidence"])
    return client.post("/enquiries/new/", data)


def test_a_professional_asks_and_the_wards_link_worker_is_told(client, world, django_capture_on_commit_callbacks):
    sign_in(client, world.professional)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client)
    enquiry = Enquiry.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/enquiries/{enquiry.uuid}/"
    assert list(enquiry.routed_to.all()) == [world.link_worker]
    assert enquiry.barriers == ["confidence", "transport"] and enquiry.category.code == "active"
    assert enquiry.due_at > enquiry.asked_at + dt.timedelta(days=1)
    (email,) = mail.outbox
    assert email.to == ["lw@example.org"] and "answer by" in email.subject
    assert f"/enquiries/{enquiry.uuid}/answer/" in email.body and "anxious in big groups" in email.body
    page = client.get(response["Location"]).content.decode()
    assert "Answer due by" in page and "Confidence or anxiety" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"need": "Mrs Jones, NHS 943 476 5919, wants to walk"}, "Leave out anything that could identify the person"),
        ({"need": ""}, "Describe what they are looking for."),
        ({"ward": "E09999999"}, "Choose a ward from the list."),
        ({"category": "unicorns"}, "Choose one of the listed kinds of activity."),
        ({"barriers": ["teleport"]}, "Choose from the listed barriers."),
        ({"need": "x" * 1001}, "Use at most 1,000 characters."),
    ],
)
def test_bad_enquiries_get_words_and_nothing_is_stored(client, world, changes, message):
    sign_in(client, world.professional)
    response = ask(client, **changes)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Enquiry.objects.exists()


def test_the_link_worker_answers_from_the_directory(client, world, django_capture_on_commit_callbacks):
    add(listing("Boggart Hole Clough Walk", at=point_north(M9_4DH, 300)), listing("Moston Walkers", at=M9_4DH))
    enquiry = enquiries.ask(
        user=world.professional, ward=Area.objects.get(code=WARD), category=None, need="Likes walking", barriers=[]
    )
    sign_in(client, world.link_worker)
    queue = client.get("/enquiries/").content.decode()
    assert "Likes walking" in queue and "Answer due by" in queue
    form = client.get(f"/enquiries/{enquiry.uuid}/answer/?q=walking").content.decode()
    walk = Service.objects.active().filter(name__icontains="walk").first()
    assert 'name="listing"' in form and walk is not None
    chosen = [
        s for s in Service.objects.active().filter(uuid__in=[u for u in _listed(form)]) if "walk" in s.name.lower()
    ][:2]
    assert chosen, "the prefilled search finds walking listings near the ward"
    bad = client.post(f"/enquiries/{enquiry.uuid}/answer/", {"outcome": "found"})
    assert bad.status_code == 400 and "Choose at least one listing" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/enquiries/{enquiry.uuid}/answer/",
            {"outcome": "found", "note": "Two gentle walks nearby.", "listing": [str(s.uuid) for s in chosen]},
        )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == "answered" and enquiry.outcome == "found" and enquiry.answered_by == world.link_worker
    (email,) = mail.outbox
    assert email.to == ["gp@example.org"] and "has an answer" in email.subject
    assert chosen[0].name in email.body and f"/services/{chosen[0].uuid}/" in email.body
    client.logout()
    sign_in(client, world.professional)
    page = client.get(f"/enquiries/{enquiry.uuid}/").content.decode()
    assert "Two gentle walks nearby." in page and chosen[0].name in page
    assert "within the target of 2 working days" in page
    assert "From lw-north, link worker for Harpurhey" in page  # who answered
    card = page[page.index(chosen[0].name) :]
    assert '<dt class="nhsuk-summary-list__key">When</dt>' in card and "Cost</dt>" in card
    assert re.search(r"\d+ m from the middle of Harpurhey|\d+\.\d km from the middle of Harpurhey", card)
    again = client.post(f"/enquiries/{enquiry.uuid}/answer/", {"outcome": "nothing", "note": "x"})
    assert again.status_code == 403  # a professional cannot answer, and is told so
    assert "a neighbourhood lead or an administrator to answer enquiries" in again.content.decode()


def _listed(html: str) -> list[str]:
    import re

    return re.findall(r'name="listing" type="checkbox" value="([0-9a-f-]{36})"', html)


def test_suggestions_fit_the_enquiry_when_no_words_are_given(client, world):
    from kith.directory.models import TaxonomyTerm

    enquiry = enquiries.ask(
        user=world.professional,
        ward=Area.objects.get(code=WARD),
        category=TaxonomyTerm.objects.get(code="active"),
        need="Wants to be active",
        barriers=["cost"],
    )
    sign_in(client, world.link_worker)
    page = client.get(f"/enquiries/{enquiry.uuid}/answer/").content.decode()
    listed = Service.objects.filter(uuid__in=_listed(page))
    assert "Listings that fit" in page and listed.exists()
    assert all(s.cost_options.filter(amount=0).exists() for s in listed)  # cost is a barrier: free ones only


def test_enquiries_are_seen_only_by_who_asked_and_who_covers_the_ward(client, world):
    enquiry = enquiries.ask(
        user=world.professional, ward=Area.objects.get(code=WARD), category=None, need="Likes singing", barriers=[]
    )
    # Not theirs: the 404 that says nothing. Roles that never see enquiries: told so, whatever the enquiry.
    for user, status in ((world.other_link_worker, 404), (world.other_professional, 404), (world.planner, 403),
                         (world.organisation_editor, 403)):  # fmt: skip
        client.logout()
        sign_in(client, user)
        assert client.get(f"/enquiries/{enquiry.uuid}/").status_code == status, user
        assert "Likes singing" not in client.get("/enquiries/").content.decode()
    client.logout()
    sign_in(client, world.lead)  # the north team's lead sees what the team's wards are asked, once wards are set
    assert client.get(f"/enquiries/{enquiry.uuid}/").status_code == 404
    world.north.wards.add(WARD)
    assert client.get(f"/enquiries/{enquiry.uuid}/").status_code == 200


def test_routing_falls_back_to_the_team_then_to_leads(world):
    ward = Area.objects.get(code="E05011367") if Area.objects.filter(code="E05011367").exists() else None
    ward = ward or Area.objects.filter(level="ward").exclude(code=WARD).first()
    assert enquiries.routed_to(ward) == [world.lead]  # nobody covers it: every lead
    world.south.wards.add(ward)
    assert enquiries.routed_to(ward) == [world.other_link_worker]
    make_user("lw-south-2", "link-worker", team=world.south).profile.neighbourhoods.add(ward)
    assert [u.username for u in enquiries.routed_to(ward)] == ["lw-south-2"]


def test_the_queue_does_not_grow_queries_with_enquiries(client, world):
    ward = Area.objects.get(code=WARD)
    enquiries.ask(user=world.professional, ward=ward, category=None, need="One", barriers=[])
    sign_in(client, world.link_worker)

    def counted():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/enquiries/").status_code == 200
        return len(queries)

    few = counted()
    for n in range(15):
        enquiries.ask(user=world.professional, ward=ward, category=None, need=f"Need {n}", barriers=["cost"])
    assert counted() == few


def test_an_anonymous_search_that_found_nothing_is_kept_without_who(client, world):
    add(listing("Harpurhey Health Walk", at=point_north(M9_4DH, 200)))
    browser = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}
    client.get("/search/?q=underwater+basket+weaving&near=M9+4DH", **browser)
    client.get("/search/?q=walking&near=M9+4DH", **browser)  # found something: not kept
    (unmet,) = UnmetSearch.objects.all()
    assert unmet.words == "underwater basket weaving" and unmet.area_id == WARD
    assert unmet.searched_on == timezone.localdate()
    assert {f.name for f in UnmetSearch._meta.get_fields()} == {"id", "searched_on", "words", "category", "area"}
    sign_in(client, world.link_worker)
    client.get("/search/?q=underwater+basket+weaving&near=M9+4DH", **browser)  # staff searches: not demand
    assert UnmetSearch.objects.count() == 1


def test_enquiries_and_unmet_searches_are_demand_on_the_ward_profile(client, world):
    from kith.directory.models import TaxonomyTerm

    ward, active = Area.objects.get(code=WARD), TaxonomyTerm.objects.get(code="active")
    for n in range(9):
        enquiry = enquiries.ask(user=world.professional, ward=ward, category=active, need=f"Walk {n}", barriers=[])
        enquiries.answer(user=world.link_worker, enquiry=enquiry, services=[], note="Nothing near", outcome="nothing")
    enquiries.log_unmet_search(words="canoeing", category="active", area=ward)
    page = client.get(f"/insight/wards/{WARD}/").content.decode()
    section = page[page.index("What was asked for") :]
    # 9 enquiries with nothing found show as 10 (rounded); the one search as * (fewer than 8).
    assert '<td>Being active and walking</td><td class="nhsuk-table__cell--numeric">10</td>' in section.replace(
        "\n", ""
    )
    assert '<td class="nhsuk-table__cell--numeric">*</td>' in section
    assert "canoeing" not in page and "Walk 1" not in page


def test_the_demo_has_enquiries_at_every_stage_and_unmet_searches():
    from click.testing import CliRunner

    from kith.cli import main

    first = CliRunner().invoke(main, ["demo-locality"])
    assert first.exit_code == 0 and "Made 8 demo enquiries" in first.output
    statuses = list(Enquiry.objects.values_list("status", "outcome"))
    assert statuses.count(("open", "")) == 3
    assert ("answered", "found") in statuses and ("answered", "nothing") in statuses
    assert any(e.late for e in Enquiry.objects.filter(status="open"))
    assert UnmetSearch.objects.count() == 16
    from kith.freshness.models import Claim, Suggestion

    assert sorted(Suggestion.objects.values_list("kind", flat=True)) == ["change", "closed", "paused"]
    assert Claim.objects.get().status == "waiting"
    from kith.together.models import GroupOpportunity

    stages = set(GroupOpportunity.objects.values_list("stage", flat=True))
    assert stages == {"idea", "gathering", "first-meeting", "running", "handed-over"}
    assert GroupOpportunity.objects.filter(listing__isnull=False).count() == 2
    from kith.accounts.demo import DEMO_TEAM
    from kith.people.models import Referral

    waiting = Referral.objects.filter(team__name=DEMO_TEAM, status="new")
    assert sorted(waiting.values_list("source", flat=True)) == ["gp", "physio", "self"]
    assert "nothing to do" in CliRunner().invoke(main, ["demo-locality"]).output
    assert waiting.count() == 3  # and no more on a second run


@pytest.mark.parametrize(
    ("agent", "counted"),
    [
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36", True),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148 Safari/604.1", True),
        ("", False),
        ("   ", False),
        ("Googlebot/2.1 (+http://www.google.com/bot.html)", False),
        ("python-requests/2.32", False),
        ("curl/8.5.0", False),
        ("Mozilla/5.0 HeadlessChrome/140.0", False),
    ],
)
def test_searches_by_robots_are_not_demand(client, world, agent, counted):
    client.get("/search/?q=underwater+basket+weaving&near=M9+4DH", HTTP_USER_AGENT=agent)
    assert UnmetSearch.objects.count() == int(counted)


def test_identical_repeats_count_once_and_one_address_is_limited(client, world):
    browser = {"HTTP_USER_AGENT": "Mozilla/5.0 Firefox/140.0"}
    for _ in range(5):
        client.get("/search/?q=underwater+basket+weaving&near=M9+4DH", **browser)
    client.get("/search/?q=Underwater++Basket+weaving&near=M9+4DH", **browser)  # the same words, typed again
    assert UnmetSearch.objects.count() == 1
    for n in range(30):
        client.get(f"/search/?q=zzyzx+{n}&near=M9+4DH", **browser)
    assert UnmetSearch.objects.count() == 10  # 10 an hour from one address
    other = {**browser, "REMOTE_ADDR": "198.51.100.9"}
    client.get("/search/?q=zzyzx+elsewhere&near=M9+4DH", **other)
    assert UnmetSearch.objects.count() == 11


def test_the_ward_trend_shows_searches_as_their_own_series(client, world):
    ward = Area.objects.get(code=WARD)
    for n in range(12):
        enquiries.log_unmet_search(words=f"canoeing {n}", category="active", area=ward)
    page = client.get(f"/insight/wards/{WARD}/").content.decode()
    trend = page[page.index("Public searches that found nothing") :]
    assert '<td class="nhsuk-table__cell--numeric">10</td></tr>' in trend  # 12, rounded to the nearest 5
