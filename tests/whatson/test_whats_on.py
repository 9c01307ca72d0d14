"""What's on: the week by area and category, the printable newsletter and the weekly digest."""

import datetime as dt
import re

import pytest
from click.testing import CliRunner
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kith.cli import main
from kith.directory import services as directory
from kith.directory.models import Schedule, Service
from kith.directory.search.index import refresh_now
from kith.whatson import services as digest
from kith.whatson.models import DigestSubscription
from tests.directory.helpers import M9_4DH, add, listing, point_north

pytestmark = pytest.mark.django_db
WARD = "E05011366"


@pytest.fixture
def harpurhey():
    ids = list(Service.objects.filter(service_at_locations__location__ward_id=WARD).values_list("id", flat=True))
    Service.objects.filter(id__in=ids).delete()
    directory.services_changed(service_ids=ids)
    walk, carols = add(
        listing("Tuesday stroll", days="TU", opens=dt.time(10), closes=dt.time(11, 30)),
        listing("Carols on the green", at=point_north(M9_4DH, 150), categories=("social",), days="SA"),
    )
    next_saturday = timezone.localdate() + dt.timedelta(days=(5 - timezone.localdate().weekday()) % 7 or 7)
    Schedule.objects.filter(service=carols).update(dtstart=next_saturday, until=next_saturday)
    directory.services_changed(service_ids=[carols.id])
    return walk, carols, next_saturday


def test_the_week_lists_each_day_with_recurring_and_one_off_sessions(client, harpurhey):
    _, _, saturday = harpurhey
    page = client.get(f"/whats-on/?area={WARD}").content.decode()
    assert "What's on in Harpurhey" in page
    days = re.findall(r"<h2>(\w+ \d+ \w+)</h2>", page)
    assert len(days) == 7
    assert page.count(">Tuesday stroll</a>") == 1 and "10am to 11:30am" in page
    assert "Carols on the green" in page  # the one-off falls within the next seven days
    later = client.get(f"/whats-on/?area={WARD}&from={(saturday + dt.timedelta(days=1)).isoformat()}").content.decode()
    assert "Carols on the green" not in later and "Tuesday stroll" in later
    active = client.get(f"/whats-on/?area={WARD}&category=active").content.decode()
    assert "Tuesday stroll" in active and "Carols on the green" not in active


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("area=E09999999", "Unknown area"),
        (f"area={WARD}&from=tomorrow", "from= must be a date"),
        (f"area={WARD}&from=1999-01-01", "within a year"),
        (f"area={WARD}&category=unicorns", "Unknown category"),
        ("near=M99+9ZZ", "M99 9ZZ"),
    ],
)
def test_bad_questions_get_a_400_with_words(client, query, message):
    response = client.get(f"/whats-on/?{query}")
    assert response.status_code == 400 and message in response.content.decode()


def test_the_week_costs_the_same_queries_for_many_listings(client, harpurhey):
    def counted():
        refresh_now()  # the page's own queries: a whole build and a splice read the database differently
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/whats-on/?area={WARD}").status_code == 200
        return len(queries)

    few = counted()
    add(*[listing(f"Group {n}", at=point_north(M9_4DH, 20 + n), days="WE") for n in range(30)])
    assert counted() == few


def test_the_printable_newsletter(client, harpurhey):
    page = client.get(f"/whats-on/newsletter/?area={WARD}").content.decode()
    assert "What's on in Harpurhey" in page and "Tuesday stroll" in page
    assert "New in the directory" in page and "Carols on the green" in page
    assert client.get("/whats-on/newsletter/").status_code == 400


def test_the_digest_is_double_opt_in_weekly_and_one_click_to_stop(
    client, harpurhey, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/whats-on/digest/", {"email": "Library@Example.org", "ward": WARD})
    assert "Check your email" in response.content.decode()
    (confirmation,) = mail.outbox
    assert digest.send_digests() == 0  # nothing until confirmed
    link = re.search(r"/whats-on/digest/confirm/\S+/", confirmation.body).group(0)
    assert "Subscribed" in client.get(link).content.decode()
    mail.outbox.clear()
    assert digest.send_digests() == 1
    (weekly,) = mail.outbox
    assert weekly.to == ["library@example.org"] and "Tuesday stroll" in weekly.body
    unsubscribe = weekly.extra_headers["List-Unsubscribe"].strip("<>")
    assert weekly.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in weekly.body
    assert digest.send_digests() == 0  # once a week
    path = unsubscribe.split("127.0.0.1:8000")[-1]
    assert "Stop sending" in client.get(path).content.decode()  # a GET changes nothing
    assert DigestSubscription.objects.get().active
    done = client.post(path).content.decode()  # one POST, no CSRF token: what mail clients send
    assert "Unsubscribed" in done and "deleted the address" in done
    assert not DigestSubscription.objects.exists()  # the address is not kept
    assert client.post(path).status_code == 404
    again = client.get(path)  # opening the link a second time
    assert again.status_code == 404 and "This link has been used already" in again.content.decode()
    assert digest.send_digests(today=timezone.localdate() + dt.timedelta(days=8)) == 0


def test_the_digest_form_refuses_bad_input_traps_bots_and_slows_floods(client):
    bad = client.post("/whats-on/digest/", {"email": "not-an-address", "ward": WARD})
    assert bad.status_code == 400 and "Enter an email address" in bad.content.decode()
    client.post("/whats-on/digest/", {"email": "bot@example.org", "ward": WARD, "website": "x"})
    assert not DigestSubscription.objects.exists() and mail.outbox == []
    for _ in range(3):
        client.post("/whats-on/digest/", {"email": "a@example.org", "ward": WARD})
    assert client.post("/whats-on/digest/", {"email": "a@example.org", "ward": WARD}).status_code == 429
    assert client.get("/whats-on/digest/confirm/not-a-token/").status_code == 404


def test_send_digests_command():
    assert CliRunner().invoke(main, ["send-digests"]).output == "Sent 0 digests.\n"


def test_a_one_off_event_leaves_the_directory_after_its_day(client, harpurhey):
    _, carols, saturday = harpurhey
    assert ">Carols on the green<" in client.get("/search/?q=carols&near=M9+4DH").content.decode()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Schedule.objects.filter(service=carols).update(dtstart=yesterday, until=yesterday)
    directory.services_changed(service_ids=[carols.id])
    assert ">Carols on the green<" not in client.get("/search/?q=carols&near=M9+4DH").content.decode()
    assert saturday > yesterday


def test_addresses_never_confirmed_are_forgotten_after_a_week():
    old = DigestSubscription.objects.create(email="old@example.org", ward_id=WARD)
    DigestSubscription.objects.filter(pk=old.pk).update(asked_at=timezone.now() - dt.timedelta(days=8))
    DigestSubscription.objects.create(email="new@example.org", ward_id=WARD)
    digest.send_digests()
    assert list(DigestSubscription.objects.values_list("email", flat=True)) == ["new@example.org"]


def test_a_places_opening_hours_are_not_sessions(client, harpurhey):
    from kith.feeds.demo.spec import make_schedule

    pharmacy = listing("Harpurhey Pharmacy", days=None, categories=("social",))
    pharmacy.locations[0].opening = [make_schedule(byday="MO,TU,WE,TH,FR", opens_at=dt.time(9), closes_at=dt.time(18))]
    add(pharmacy)
    page = client.get(f"/whats-on/?area={WARD}").content.decode()
    assert "Tuesday stroll" in page and "Harpurhey Pharmacy" not in page
    assert "Harpurhey Pharmacy" not in client.get(f"/feeds/events.ics?area={WARD}").content.decode()
    assert (
        "9am to 6pm" in client.get(f"/services/{Service.objects.get(name='Harpurhey Pharmacy').uuid}/").content.decode()
    )


@pytest.mark.parametrize(
    ("hour", "shown"),
    [(9, True), (10, True), (11, True), (11.5, False), (15, False)],  # the stroll is 10am to 11:30am
)
def test_a_session_that_has_ended_leaves_todays_list(harpurhey, hour, shown):
    from types import SimpleNamespace

    from kith.whatson.week import week

    walk, _, _ = harpurhey
    tuesday = timezone.localdate() + dt.timedelta(days=(1 - timezone.localdate().weekday()) % 7)
    now = timezone.make_aware(dt.datetime.combine(tuesday, dt.time(int(hour), int(hour % 1 * 60))))
    hit = SimpleNamespace(service=walk, location=walk.service_at_locations.first().location)
    (today, sessions), *rest = week([hit], tuesday, now=now)
    assert today == tuesday and bool(sessions) is shown
    assert all(not found for _, found in rest)  # and next Tuesday is beyond the seven days
