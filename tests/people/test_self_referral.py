"""A person asks to talk to a link worker: into the queue of the team covering them, acknowledged, private."""

import pytest
from django.core import mail

from kith.core.models import AuditEvent
from kith.geo.models import Area
from kith.people.models import Referral
from tests.personas import build_world

pytestmark = pytest.mark.django_db
FORM = {
    "given_name": "Maureen",
    "family_name": "Quietly",
    "phone": "0161 496 0000",
    "email": "maureen@example.org",
    "contact_times": "weekday mornings",
    "postcode": "M9 4DH",
    "words": "Since my husband died I hardly go out. I used to love singing.",
    "agreed": "on",
}
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 Firefox/140.0"}


@pytest.fixture
def world():
    world = build_world()
    world.north.wards.add(Area.objects.get(code="E05011366"))
    world.link_worker.email = "lw@example.org"
    world.link_worker.save()
    return world


def test_it_is_offered_from_the_home_page_results_and_dead_ends(client, world):
    for url in ["/", "/search/?q=walking&near=M9+4DH", "/search/?q=underwater+basket+weaving&near=M9+4DH"]:
        assert 'href="/talk-to-a-link-worker/"' in client.get(url, **BROWSER).content.decode(), url
    assert 'href="/talk-to-a-link-worker/"' in client.get("/no-such-page/").content.decode()


def test_a_request_reaches_the_teams_queue_and_the_person_is_told_who_and_when(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/talk-to-a-link-worker/", FORM, **BROWSER)
    page = response.content.decode()
    assert response.status_code == 200 and "North Manchester test team will get in touch by" in page
    for typed in ["Maureen", "Quietly", "singing", "0161 496 0000", "maureen@example.org"]:
        assert typed not in page  # nothing they typed is shown back
    referral = Referral.objects.get(source="self")
    assert (referral.team, referral.source, referral.referrer, referral.status) == (world.north, "self", None, "new")
    assert referral.words.startswith("Since my husband died") and referral.contact_times == "weekday mornings"
    ack = next(m for m in mail.outbox if m.to == ["maureen@example.org"])
    assert "North Manchester test team" in ack.body and "by " in ack.body
    staff = next(m for m in mail.outbox if "lw@example.org" in m.to)
    assert "Maureen" not in staff.body and "/referral-queue/" in staff.body
    assert AuditEvent.objects.filter(what="referral", action="create", username="(the person, online)").exists()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"phone": "", "email": ""}, "phone", "Give a phone number or an email address"),
        ({"agreed": ""}, "agreed", "Tick the box"),
        ({"postcode": "WA14 4PU"}, "postcode", "No social prescribing team"),
        ({"postcode": "M99 9ZZ"}, "postcode", "M99 9ZZ"),
        ({"words": ""}, "words", "Tell us a little"),
        ({"email": "not-an-address"}, "email", "Enter an email address"),
    ],
)
def test_mistakes_are_named_beside_their_field_and_nothing_typed_is_lost(client, world, changes, field, words):
    response = client.post("/talk-to-a-link-worker/", {**FORM, **changes}, **BROWSER)
    page = response.content.decode()
    assert response.status_code == 400 and words in page
    assert f'id="id_{field}-error"' in page or f"#id_{field}" in page
    assert 'value="Maureen"' in page and 'value="weekday mornings"' in page
    assert "I used to love singing." in page or "words" in changes
    assert not Referral.objects.filter(source="self").exists()


def test_robots_and_floods_are_kept_out(client, world):
    trapped = client.post("/talk-to-a-link-worker/", {**FORM, "website": "http://spam.example"}, **BROWSER)
    assert trapped.status_code == 200 and not Referral.objects.filter(source="self").exists()
    for _ in range(4):
        client.post("/talk-to-a-link-worker/", FORM, **BROWSER)
    assert Referral.objects.filter(source="self").count() == 4
    assert client.post("/talk-to-a-link-worker/", FORM, **BROWSER).status_code == 429
