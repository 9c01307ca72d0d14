"""Feeds out: iCalendar, RSS and Atom, GeoJSON, CSV and the embeddable list, read back by real parsers."""

import csv
import datetime as dt
import io

import feedparser
import pytest
from icalendar import Calendar

from kith.directory.models import Location, Schedule
from kith.feeds.syndication import first_date
from tests.directory.helpers import M9_4DH, add, listing, point_north

pytestmark = pytest.mark.django_db


@pytest.fixture
def walk():
    (service,) = add(
        listing("Test Feed Walk", at=point_north(M9_4DH, 300), days="TU", opens=dt.time(10), closes=dt.time(11, 30))
    )
    return service


def test_icalendar_has_a_weekly_event_at_the_right_time(client, walk):
    response = client.get("/feeds/events.ics", {"area": "E05011366", "category": "active"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert "max-age=600" in response["Cache-Control"]
    calendar = Calendar.from_ical(response.content)
    events = [e for e in calendar.walk("VEVENT") if str(e["summary"]) == "Test Feed Walk"]
    assert len(events) == 1
    event = events[0]
    start = event.decoded("dtstart")
    assert start.weekday() == 1 and (start.hour, start.minute) == (10, 0)
    assert event.decoded("dtend") - start == dt.timedelta(minutes=90)
    assert event["rrule"]["FREQ"] == ["WEEKLY"] and event["rrule"]["BYDAY"] == ["TU"]
    assert str(walk.uuid) in str(event["url"])


@pytest.mark.parametrize(
    ("byday", "freq", "today", "expected"),
    [
        ("TU", "WEEKLY", dt.date(2026, 11, 25), dt.date(2026, 12, 1)),
        ("WE", "WEEKLY", dt.date(2026, 11, 25), dt.date(2026, 11, 25)),
        ("1TU", "MONTHLY", dt.date(2026, 11, 25), dt.date(2026, 12, 1)),
        ("-1FR", "MONTHLY", dt.date(2026, 11, 1), dt.date(2026, 11, 27)),
    ],
)
def test_the_first_occurrence(byday, freq, today, expected):
    rule = Schedule(byday=byday, freq=freq)
    assert first_date(rule, today) == expected


def test_a_fortnightly_group_is_fortnightly_in_the_calendar_with_its_time_zone(client, walk):
    Schedule.objects.filter(service=walk).update(interval=2, dtstart=dt.date(2026, 11, 3))
    calendar = Calendar.from_ical(client.get("/feeds/events.ics", {"area": "E05011366"}).content)
    (event,) = [e for e in calendar.walk("VEVENT") if str(e["summary"]) == "Test Feed Walk"]
    assert event["rrule"]["INTERVAL"] == [2] and event["rrule"]["FREQ"] == ["WEEKLY"]
    # In phase with its start: 3 November, 17 November, 1 December...
    assert (event.decoded("dtstart").date() - dt.date(2026, 11, 3)).days % 14 == 0
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/London" and zone.walk("DAYLIGHT") and zone.walk("STANDARD")


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_new_and_changed_listings(client, walk, kind):
    response = client.get(f"/feeds/listings.{kind}", {"area": "E05011366"})
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    titles = [e.title for e in parsed.entries]
    assert titles[0] == "Test Feed Walk"  # newest first
    assert parsed.entries[0].link.endswith(f"/services/{walk.uuid}/")


def test_geojson_of_assets_masks_sensitive_places(client, walk):
    data = client.get("/feeds/listings.geojson", {"area": "E05011366"}).json()
    feature = next(f for f in data["features"] if f["properties"]["name"] == "Test Feed Walk")
    lon, lat = feature["geometry"]["coordinates"]
    assert feature["geometry"]["type"] == "Point" and -2.3 < lon < -2.1 and 53.4 < lat < 53.6
    Location.objects.filter(service_at_locations__service=walk).update(is_sensitive=True)
    data = client.get("/feeds/listings.geojson", {"area": "E05011366", "category": "active"}).json()
    feature = next(f for f in data["features"] if f["properties"]["name"] == "Test Feed Walk")
    assert feature["geometry"]["coordinates"] == [round(lon, 2), round(lat, 2)]


def test_any_search_as_csv(client, walk):
    response = client.get("/search.csv", {"q": "feed walk", "near": "M9 4DH"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["name"] == "Test Feed Walk" and rows[0]["distance"] == "300 m"
    assert rows[0]["when"] == "Tuesdays, 10am to 11:30am" and rows[0]["url"].endswith(f"/services/{walk.uuid}/")
    bad = client.get("/search.csv", {"near": "M99 9ZZ"})
    assert bad.status_code == 400 and "We do not know the postcode" in bad.content.decode()


def test_embeddable_list_works_in_a_frame_without_script(client, walk):
    response = client.get("/embed/whats-on/", {"near": "M9 4DH", "category": "active", "limit": 3})
    html = response.content.decode()
    assert response.status_code == 200 and "Test Feed Walk" in html and "<script" not in html
    assert "X-Frame-Options" not in response and "frame-ancestors *" in response["Content-Security-Policy"]
    assert "max-age=600" in response["Cache-Control"]
    assert "What's on near M9 4DH" in html  # the heading names the place
    ward = client.get("/embed/whats-on/", {"area": "E05011366"}).content.decode()
    assert "What's on in Harpurhey" in ward


@pytest.mark.parametrize(
    ("page", "where"),
    [("/areas/E05011366/", "in Harpurhey"), ("/search/?q=feed+walk&near=M9+4DH", "near M9 4DH")],
)
def test_ward_and_search_pages_offer_the_embed_code_with_a_preview(client, walk, page, where):
    html = client.get(page).content.decode()
    panel = html[html.index('id="embed"') :]
    snippet = panel[panel.index('id="embed-code"') :].split("</textarea>")[0]
    assert "&lt;iframe src=&quot;http" in snippet or '&lt;iframe src="http' in snippet
    assert f"title=&quot;What's on {where}&quot;" in snippet or f'title="What\'s on {where}"' in snippet
    preview = panel[panel.index("<iframe") :].split(">")[0]
    src = preview.split('src="')[1].split('"')[0].replace("&amp;", "&")
    framed = client.get(src)
    assert framed.status_code == 200 and f"What's on {where}" in framed.content.decode()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/feeds/events.ics?area=E99999999", "Unknown area"),
        ("/feeds/listings.rss?category=unicorns", "Unknown category"),
        ("/feeds/listings.geojson?near=M99 9ZZ", "We do not know"),
        ("/embed/whats-on/", "Say where"),
        ("/embed/whats-on/?near=M9 4DH&limit=x", "limit must be"),
    ],
)
def test_bad_feed_parameters_get_a_400_with_words(client, path, message):
    response = client.get(path)
    assert response.status_code == 400 and message in response.content.decode()
