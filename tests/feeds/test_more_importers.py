"""OpenActive RPDE, iCalendar, RSS/Atom, the HSDS tabular package and the CSV template."""

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from icalendar import Calendar, Event

from kith.directory.models import Schedule, Service, ServiceStatus
from kith.feeds.importers.run import run_source
from kith.feeds.models import NewsItem, Problem, Source
from tests.feeds.conftest import Feed

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REPO = Path(__file__).resolve().parents[2]


def run(kind, location, name="Test source"):
    source, _ = Source.objects.get_or_create(kind=kind, location=str(location), defaults={"name": name})
    return run_source(source), source


def test_openactive_follows_next_to_the_last_page_and_deleted_items_retire(feed_server):
    _, base = feed_server
    series = json.loads((FIXTURES / "openactive" / "sessionseries_example_1.json").read_text())
    facility = json.loads((FIXTURES / "openactive" / "facilityuse_example_1.json").read_text())
    sessions = json.loads((FIXTURES / "openactive" / "scheduledsession_example_1.json").read_text())
    Feed.pages = {
        "/rpde": json.dumps({**series, "next": "/rpde?p=2"}).encode(),
        "/rpde?p=2": json.dumps({**facility, "next": "/rpde?p=3"}).encode(),
        "/rpde?p=3": json.dumps({**sessions, "next": "/rpde?p=4"}).encode(),
        "/rpde?p=4": json.dumps({"next": "/rpde?p=4", "items": [], "license": "x"}).encode(),
    }
    first, source = run("openactive", f"{base}/rpde")
    assert first.status == "done", first.error
    services = Service.objects.filter(source=source.key)
    assert {s.name for s in services} == {"Virtual BODYPUMP", "Outdoor Tennis"}
    bodypump = services.get(name="Virtual BODYPUMP")
    schedule = bodypump.schedules.get()
    assert (schedule.byday, schedule.opens_at, schedule.closes_at) == ("TU", dt.time(20, 15), dt.time(20, 45))
    assert bodypump.minimum_age == 16 and float(bodypump.cost_options.get().amount) == 3.3
    deleted = {
        "next": "/rpde?p=6",
        "items": [{"state": "deleted", "kind": "SessionSeries", "id": series["items"][0]["id"], "modified": 1}],
    }
    Feed.pages = {
        "/rpde": json.dumps({**deleted, "next": "/rpde?p=6"}).encode(),
        "/rpde?p=6": json.dumps({"next": "/rpde?p=6", "items": []}).encode(),
    }
    second, _ = run("openactive", f"{base}/rpde")
    assert second.counts["inactivated"] == 1
    assert Service.objects.get(pk=bodypump.pk).status == ServiceStatus.INACTIVE
    assert Service.objects.get(source=source.key, name="Outdoor Tennis").status == ServiceStatus.ACTIVE


def test_icalendar_events_recurring_and_one_off(tmp_path):
    calendar = Calendar()
    calendar.add("prodid", "-//Test//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Harpurhey Choir")
    weekly = Event()
    weekly.add("uid", "choir-weekly@test")
    weekly.add("summary", "Choir practice")
    weekly.add("dtstart", dt.datetime(2026, 12, 1, 19, 0))
    weekly.add("dtend", dt.datetime(2026, 12, 1, 21, 0))
    weekly.add("rrule", {"freq": "weekly", "byday": ["TU"]})
    once = Event()
    once.add("uid", "carols@test")
    once.add("summary", "Carol concert")
    once.add("dtstart", dt.datetime(2026, 12, 19, 18, 30))
    nameless = Event()
    nameless.add("uid", "nameless@test")
    nameless.add("dtstart", dt.datetime(2026, 12, 19, 18, 30))
    for event in (weekly, once, nameless):
        calendar.add_component(event)
    path = tmp_path / "choir.ics"
    path.write_bytes(calendar.to_ical())
    result, source = run("ical", path, "Harpurhey Choir")
    assert result.counts["created"] == 2 and result.counts["quarantined"] == 1
    choir = Schedule.objects.get(service__source=source.key, service__name="Choir practice")
    assert (choir.freq, choir.byday, choir.opens_at, choir.closes_at) == ("WEEKLY", "TU", dt.time(19), dt.time(21))
    carols = Schedule.objects.get(service__source=source.key, service__name="Carol concert")
    assert carols.dtstart == carols.until == dt.date(2026, 12, 19) and carols.byday == "SA"
    path.write_bytes(b"this is not a calendar")
    broken, _ = run("ical", path, "Harpurhey Choir")
    assert "not an iCalendar file" in Problem.objects.get(run=broken).reason


def test_rss_items_with_an_event_date_become_listings_and_the_rest_news(tmp_path):
    path = tmp_path / "news.rss"
    path.write_text("""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:ev="http://purl.org/rss/1.0/modules/event/">
  <channel rdf:about="https://example.org/news"><title>Moston Newsletter</title><link>https://example.org/</link>
    <description>News</description></channel>
  <item rdf:about="https://example.org/fun-day"><title>Summer fun day</title><link>https://example.org/fun-day</link>
    <description>Games and food</description><ev:startdate>2026-07-04T11:00:00</ev:startdate></item>
  <item rdf:about="https://example.org/news-1"><title>New chair elected</title><link>https://example.org/news-1</link>
    <description>Congratulations</description></item>
</rdf:RDF>""")
    result, source = run("rss", path, "Moston Newsletter")
    assert result.status == "done" and result.counts["created"] == 1
    fun = Service.objects.get(source=source.key)
    assert fun.name == "Summer fun day" and fun.schedules.get().dtstart == dt.date(2026, 7, 4)
    news = NewsItem.objects.get(source=source)
    assert (news.title, news.summary, news.link) == (
        "New chair elected",
        "Congratulations",
        "https://example.org/news-1",
    )
    assert news.guid == "https://example.org/news-1" and news.active


def test_hsds_tabular_package(tmp_path):
    folder = tmp_path / "package"
    shutil.copytree(FIXTURES / "hsds-3.0-examples" / "csv", folder)
    result, source = run("hsds-package", folder / "datapackage.json")
    assert result.status == "done", result.error
    service = Service.objects.get(source=source.key)
    assert service.name == "Community Counselling" and service.organisation.name == "Example Organization Inc."
    assert service.schedules.get().byday == "TH,FR" and (service.minimum_age, service.maximum_age) == (12, 100)


def test_the_documented_csv_template_example_imports():
    result, source = run("csv", REPO / "docs" / "examples" / "activities.csv", "Harpurhey Strollers")
    assert result.status == "done" and result.counts["created"] == 2 and result.counts["quarantined"] == 0
    stroll = Service.objects.get(source=source.key, source_id="walk-1")
    assert stroll.schedules.get().byday == "TU" and float(stroll.cost_options.get().amount) == 0
    assert stroll.service_at_locations.get().location.ward_id == "E05011366"


def test_csv_template_problems_name_the_row(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "id,group,activity,when,postcode,cost\n1,Group,,Tuesdays 10am-11am,M9 4DH,free\n"
        "2,Group,Quiz,whenever,M99 9ZZ,lots\n"
    )
    result, _ = run("csv", path)
    assert result.counts["created"] == 1 and result.counts["quarantined"] == 1
    quarantined = Problem.objects.get(run=result, severity="quarantined").reason
    assert quarantined.startswith("row 2:") and "no name" in quarantined
    dropped = " ".join(Problem.objects.filter(run=result, severity="field-dropped").values_list("reason", flat=True))
    assert (
        "We do not know the postcode" in dropped
        and "not a day and time" in dropped
        and "“free” or an amount" in dropped
    )
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,group,activity\n1,Café Group,Caf\xe9\n".encode("latin-1"))
    bad, _ = run("csv", latin)
    assert "not UTF-8" in Problem.objects.get(run=bad).reason
    missing = tmp_path / "missing.csv"
    missing.write_text("name,when\nx,y\n")
    nope, _ = run("csv", missing)
    assert "has no column" in Problem.objects.get(run=nope).reason
