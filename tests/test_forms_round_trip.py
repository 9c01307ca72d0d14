"""Every edit form gives back what it shows: render → submit unchanged → saved unchanged."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kith.directory.models import Service
from kith.matching import services as matching
from kith.people import services as people
from kith.people.models import ContactMethod, Person, ReferralSource, SnomedCode
from tests.forms_html import as_post, forms_on
from tests.personas import build_world, sign_in

pytestmark = pytest.mark.django_db
EXAMPLES = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
# Words people type: letters from many scripts, digits, punctuation; no control characters; trimmed.
words = (
    st.text(
        st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x00"),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
lines = st.lists(words, min_size=0, max_size=3).map("\n".join)
POSTCODES = ["", "M9 4DH", "M40 7LN", "M15 5DD", "M13 9PL"]


def _main_form(html: str, action_contains: str = "") -> dict:
    candidates = [f for f in forms_on(html) if f["method"] == "post" and action_contains in f["action"]]
    return max(candidates, key=lambda f: len(f["fields"]))


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def worker(client, world):
    sign_in(client, world.link_worker)
    return client


PERSON_FIELDS = [
    "given_name", "family_name", "preferred_name", "date_of_birth", "postcode", "phone", "email",
    "preferred_contact", "languages", "available_times", "referral_source", "referral_reason", "snomed_code",
    "what_matters",
]  # fmt: skip


@EXAMPLES
@given(
    given_name=words,
    family_name=words,
    preferred_name=st.one_of(st.just(""), words),
    date_of_birth=st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date.today())),
    postcode=st.sampled_from(POSTCODES),
    phone=st.from_regex(r"\A(0[0-9 ]{9,12})?\Z").map(str.strip),
    email=st.sampled_from(["", "someone@example.org", "o'neil+kith@example.co.uk"]),
    preferred_contact=st.sampled_from(["", *ContactMethod.values]),
    languages=st.sampled_from(["", "ur", "pl,ur"]),
    available_times=st.lists(st.sampled_from(["morning", "afternoon", "evening"]), unique=True).map(
        lambda t: ",".join(sorted(t, key=["morning", "afternoon", "evening"].index))
    ),
    referral_source=st.sampled_from(ReferralSource.values),
    referral_reason=lines,
    snomed_code=st.sampled_from(["", *SnomedCode.values]),
    what_matters=lines,
)
def test_the_person_form_gives_back_what_it_shows(worker, world, **values):
    person = world.person
    Person.objects.filter(pk=person.pk).update(**{k: v for k, v in values.items() if k != "postcode"})
    if values["postcode"] or person.postcode:
        person.refresh_from_db()
        people.update_person(user=world.link_worker, person=person, version=person.version, postcode=values["postcode"])
    before = {f: getattr(Person.objects.get(pk=person.pk), f) for f in PERSON_FIELDS}
    page = worker.get(f"/people/{person.uuid}/edit/")
    assert page.status_code == 200
    response = worker.post(f"/people/{person.uuid}/edit/", as_post(_main_form(page.content.decode())["fields"]))
    errors = response.context["form"].errors if response.status_code == 400 else None
    assert response.status_code == 302, errors
    after = {f: getattr(Person.objects.get(pk=person.pk), f) for f in PERSON_FIELDS}
    assert after == before


@EXAMPLES
@given(text=lines.filter(str.strip))
def test_a_note_gives_back_what_it_shows(worker, world, text):
    note = people.add_note(user=world.link_worker, person=world.person, text=text)
    page = worker.get(f"/people/{world.person.uuid}/notes/{note.pk}/")
    response = worker.post(page.request["PATH_INFO"], as_post(_main_form(page.content.decode())["fields"]))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.text == text.strip()


@EXAMPLES
@given(
    status=st.sampled_from(["suggested", "contacted", "attending"]),
    follow_up_on=st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))),
    persons_words=lines,
)
def test_a_connection_gives_back_what_it_shows(worker, world, status, follow_up_on, persons_words):
    from kith.matching.models import Connection

    service = Service.objects.filter(is_demo=True).first()
    connection = Connection.objects.filter(person=world.person, service=service).first()
    if connection is None:
        (connection,) = matching.connect(user=world.link_worker, person=world.person, services=[service])
    Connection.objects.filter(pk=connection.pk).update(
        status=status, follow_up_on=follow_up_on, persons_words=persons_words
    )
    page = worker.get(f"/people/{world.person.uuid}/").content.decode()
    form = _main_form(page, f"/connections/{connection.pk}/")
    worker.post(form["action"], as_post(form["fields"]))
    connection.refresh_from_db()
    assert (connection.status, connection.follow_up_on, connection.persons_words.replace("\r\n", "\n")) == (
        status,
        follow_up_on,
        persons_words,
    )


@EXAMPLES
@given(
    name=words,
    fees=st.one_of(st.just(""), words),
    days=st.lists(st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]), unique=True, max_size=3),
    opens=st.times(dt.time(6), dt.time(12)).map(lambda t: t.replace(second=0, microsecond=0)),
)
def test_a_listing_gives_back_what_it_shows(worker, world, name, fees, days, opens):
    from kith.freshness import services as upkeep

    service = Service.objects.filter(is_demo=True).order_by("pk").first()
    closes = (dt.datetime.combine(dt.date.today(), opens) + dt.timedelta(hours=2)).time()
    upkeep.edit_listing(
        user=world.link_worker,
        service=service,
        changes={
            "name": name, "description": "", "url": "", "email": "", "fees_description": fees,
            "eligibility_description": "", "status": "active", "days": days,
            "opens_at": opens if days else None, "closes_at": closes if days else None,
        },
        via="staff",
    )  # fmt: skip
    page = worker.get(f"/listings/{service.uuid}/edit/")
    before = page.content.decode()
    response = worker.post(f"/listings/{service.uuid}/edit/", as_post(_main_form(before)["fields"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert worker.get(f"/listings/{service.uuid}/edit/").content.decode().count('value="') == before.count('value="')
    service.refresh_from_db()
    assert (service.name, service.fees_description) == (name, fees)
