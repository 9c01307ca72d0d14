"""Measures that are not referral counts: each can move, and people's counts pass disclosure control."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from kith.directory.models import Service
from kith.enquiries import services as enquiries
from kith.enquiries.models import Enquiry
from kith.geo.models import Area
from kith.matching import services as matching
from kith.matching.models import Connection
from kith.people import services as people
from kith.people.models import Person
from tests.personas import build_world

pytestmark = pytest.mark.django_db
WARD = "E05011366"


def row(page: str, name: str) -> list[str]:
    found = re.search(rf">{re.escape(name)}</(?:a|strong)>.*?</tr>", page, re.S)
    assert found, name
    return [cell.strip() for cell in re.findall(r'numeric">\s*(.*?)\s*</td>', found.group(0), re.S)]


def test_a_ward_row_moves_with_connections_wellbeing_and_enquiries(client):
    world = build_world()
    before = row(client.get("/insight/measures/?la=E08000003").content.decode(), "Harpurhey")
    service = Service.objects.active().first()
    for n in range(9):
        person = people.create_person(
            user=world.link_worker, team=world.north, given_name=f"M{n}", family_name="Measure", postcode="M9 4DH"
        )
        (connection,) = matching.connect(user=world.link_worker, person=person, services=[service])
        Connection.objects.filter(pk=connection.pk).update(
            status="attending", status_changed_at=timezone.now() - dt.timedelta(weeks=9)
        )
        for occasion, score, day in (("baseline", 1, 60), ("follow-up", 3, 1)):
            people.record_wellbeing(
                user=world.link_worker,
                person=person,
                instrument="swemwbs",
                occasion=occasion,
                taken_on=timezone.localdate() - dt.timedelta(days=day),
                answers={f"swemwbs_{i}": score for i in range(1, 8)},
            )
    ward = Area.objects.get(code=WARD)
    for n in range(8):
        enquiry = enquiries.ask(user=world.professional, ward=ward, category=None, need=f"Need {n}", barriers=[])
        enquiries.answer(user=world.link_worker, enquiry=enquiry, services=[service], note="", outcome="found")
    assert Person.objects.filter(ward_id=WARD, connections__isnull=False).distinct().count() >= 9
    after = row(client.get("/insight/measures/?la=E08000003").content.decode(), "Harpurhey")
    assert after[0] == "10" and after[1] == "10"  # 9 people (plus any demo) round to 10
    assert after[2].startswith("+") and "(10)" in after[2]
    assert after[6] == "100%" and before[6] == "–"  # none answered before: none, not "too few"
    assert Enquiry.objects.count() == 8


def test_small_numbers_are_suppressed_and_totals_come_from_the_unrounded_parts(client):
    world = build_world()
    service = Service.objects.active().first()
    matching.connect(user=world.link_worker, person=world.person, services=[service])  # one person, in M9
    page = client.get("/insight/measures/?la=E08000003").content.decode()
    assert row(page, "Harpurhey")[0] == "*"
    assert row(page, "Manchester")[0] == "*" and row(page, "Greater Manchester")[0] == "*"
    assert "Alex" not in page
    assert client.get("/insight/measures/?la=nowhere").status_code == 400


def test_a_star_means_one_thing_and_each_measure_is_defined(client):
    page = client.get("/insight/measures/?la=E08000003").content.decode()
    assert "<strong>*</strong> means 1 to 7" in page and "<strong>–</strong> means none yet" in page
    assert "rounded to the nearest 5, each on its own, so the wards may not add up" in page
    for measure in ["People connected", "Still going after 8 weeks", "Wellbeing change", "Enquiries answered on time"]:
        assert f'<dt class="nhsuk-summary-list__key">{measure}</dt>' in page
