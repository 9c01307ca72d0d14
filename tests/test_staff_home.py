"""Administrators and directory editors land on their queues, each with a count, not in the raw Django admin."""

import pytest
from django.contrib.auth import get_user_model

from kith.directory.models import Organisation
from kith.freshness.models import Claim
from tests.personas import PASSWORD, build_world, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def editor():
    return get_user_model().objects.create_user(username="directory-editor", password=PASSWORD, is_staff=True)


def test_an_administrator_lands_on_every_queue_with_its_count(client, world):
    Claim.objects.create(organisation=Organisation.objects.first(), name="A", email="a@x.example", status="waiting")
    sign_in(client, world.administrator)
    home = client.get("/workspace/", follow=True)
    html = home.content.decode()
    assert home.redirect_chain == [] or "/admin/" not in home.redirect_chain[-1][0]
    for title in ["Claims to decide", "Suggestions from the public", "Listings to check", "Import problems",
                  "Possible duplicates", "Enquiries to answer", "Referrals waiting", "Erasure requests"]:  # fmt: skip
        assert title in html, title
    claims = html[html.index("Claims to decide") :]
    assert "1 waiting" in claims[: claims.index("</li>")]
    assert 'href="/admin/"' in html  # the Django admin stays, for rare fixes


def test_a_directory_editor_lands_on_the_directory_queues_and_may_work_them(client, world):
    sign_in(client, editor())
    html = client.get("/workspace/").content.decode()
    assert "Listings to check" in html and "Import problems" in html
    assert "Claims to decide" not in html and "Referrals waiting" not in html  # not theirs
    for page in ["/listings/review/?ward=E05011366", "/listings/suggestions/", "/imports/", "/imports/problems/"]:
        assert client.get(page).status_code == 200, page
    for page, words in [("/listings/claims/", "You need to be an administrator to decide claims"),
                        ("/people/", "You need to be a link worker, a neighbourhood lead or an administrator"),
                        ("/referral-queue/", "queue. You are signed in as a directory editor.")]:  # fmt: skip
        refused = client.get(page)
        assert refused.status_code == 403 and words in refused.content.decode(), page
        assert 'href="/workspace/"' in refused.content.decode()  # a way back to what they can do


def test_an_account_with_neither_a_role_nor_staff_is_let_into_nothing(client, world):
    nobody = get_user_model().objects.create_user(username="nobody", password=PASSWORD)
    sign_in(client, nobody)
    for page in ["/workspace/", "/listings/review/", "/imports/"]:
        refused = client.get(page)
        assert refused.status_code == 403, page
        assert "Your account has no role yet: ask an administrator" in refused.content.decode(), page
