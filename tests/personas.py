"""The people who use Kith, as test fixtures: one of each role, in two teams."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from kith.accounts.models import Profession, Role, StaffProfile, Team
from kith.directory.models import Organisation
from kith.people import services as people
from kith.people.models import Person, Referral

PASSWORD = "a-long-test-password-for-personas"


@dataclass
class World:
    north: Team
    south: Team
    link_worker: object
    other_link_worker: object  # in the south team
    lead: object
    professional: object
    other_professional: object
    organisation_editor: object
    planner: object
    administrator: object
    organisation: Organisation
    person: Person  # on the north team's caseload, referred by `professional`
    other_person: Person  # on the south team's caseload
    referral: object = None  # `professional`'s referral of `person`, accepted by the north team
    other_referral: object = None  # `other_professional`'s referral, waiting in the south team's queue


def make_user(username: str, role: str, *, team=None, **profile):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, is_staff=False, email=f"{username}@kith.example"
    )
    StaffProfile.objects.create(user=user, role=role, team=team, **profile)
    return user


def build_world() -> World:
    north, _ = Team.objects.get_or_create(name="North Manchester test team")
    south, _ = Team.objects.get_or_create(name="Trafford test team")
    organisation = Organisation.objects.create(name="Test Walking Club")
    world = World(
        north=north,
        south=south,
        link_worker=make_user("lw-north", Role.LINK_WORKER, team=north),
        other_link_worker=make_user("lw-south", Role.LINK_WORKER, team=south),
        lead=make_user("lead-north", Role.LEAD, team=north),
        professional=make_user("gp-north", Role.PROFESSIONAL, profession=Profession.GP),
        other_professional=make_user("physio", Role.PROFESSIONAL, profession=Profession.PHYSIO),
        organisation_editor=make_user("club-editor", Role.ORGANISATION_EDITOR, organisation=organisation),
        planner=make_user("planner", Role.PLANNER),
        administrator=make_user("admin-test", Role.ADMINISTRATOR),
        organisation=organisation,
        person=None,
        other_person=None,
    )
    world.person = people.create_person(
        user=world.link_worker,
        team=north,
        given_name="Alex",
        family_name="Testperson",
        date_of_birth=dt.date(1950, 5, 17),
        postcode="M9 4DH",
        referral_source="gp",
        referred_by=world.professional,
        referral_reason="Lonely since moving; would like to walk.",
        link_worker=world.link_worker,
    )
    world.referral = Referral.objects.create(
        team=north, source="gp", referrer=world.professional, given_name="Alex", family_name="Testperson",
        date_of_birth=dt.date(1950, 5, 17), postcode="M9 4DH", words="Lonely since moving; would like to walk.",
        agreed=True, status="accepted", person=world.person,
    )  # fmt: skip
    world.other_referral = Referral.objects.create(
        team=south, source="physio", referrer=world.other_professional, given_name="Robin", family_name="Waiting",
        postcode="M15 5DD", words="Wants to get moving again after a knee operation.", agreed=True,
    )  # fmt: skip
    world.other_person = people.create_person(
        user=world.other_link_worker,
        team=south,
        given_name="Sam",
        family_name="Elsewhere",
        date_of_birth=dt.date(1962, 1, 2),
        postcode="M15 5DD",
    )
    return world


def sign_in(client, user) -> None:
    """Sign in through Kith's own pages: password, then a second factor (a recovery code)."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "Test app"})
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Test codes")
    device.token_set.create(token="testcode")
    response = client.post("/accounts/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    response = client.post("/accounts/sign-in/two-factor/", {"token": "testcode"})
    assert response.status_code == 302 and "two-factor" not in response["Location"], response.content.decode()[:500]
