"""Changing a second factor, the recovery codes or the password: password and code first, audited, emailed."""

import time

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kith.core.models import AuditEvent
from tests.personas import PASSWORD, build_world, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world()
    world.link_worker.email = "lw@example.org"
    world.link_worker.save()
    return world


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Post, then run what waits for the commit (the emails), as a real request would."""

    def post(client, path, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data or {})

    return post


@pytest.fixture
def worker(client, world):
    sign_in(client, world.link_worker)
    return client


def _confirm(client, password=PASSWORD, token="testcode"):
    from django_otp.plugins.otp_static.models import StaticDevice

    StaticDevice.objects.get(name="Test codes").token_set.get_or_create(token=token)
    return client.post("/accounts/security/confirm/", {"password": password, "token": token, "next": "/accounts/"})


@pytest.mark.parametrize(
    "path", ["/accounts/security/authenticator/", "/accounts/security/recovery-codes/", "/accounts/security/password/"]
)
def test_every_change_asks_for_the_password_and_a_code_first(worker, path):
    response = worker.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/security/confirm/")
    assert worker.post(path, {"token": "123456", "password": "a-new-long-password-1"}).status_code == 302


def test_a_signed_in_session_cannot_add_an_authenticator_through_first_set_up(worker, world):
    before = TOTPDevice.objects.filter(user=world.link_worker).count()
    response = worker.get("/accounts/sign-in/two-factor/setup/")
    assert response.status_code == 302 and response["Location"] == "/accounts/security/"
    assert worker.post("/accounts/sign-in/two-factor/setup/", {"token": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=world.link_worker).count() == before


def test_a_wrong_password_or_code_is_refused_and_audited(worker, world):
    assert _confirm(worker, password="not-it").status_code == 400
    wrong_code = worker.post("/accounts/security/confirm/", {"password": PASSWORD, "token": "000000"})
    assert wrong_code.status_code == 400 and "not right" in wrong_code.content.decode()
    refused = AuditEvent.objects.filter(action="sign-in-failed", what="confirm", username="lw-north")
    assert refused.count() == 2
    assert worker.get("/accounts/security/password/").status_code == 302


def test_replacing_the_authenticator_leaves_only_the_new_one_audited_and_emailed(worker, world, send):
    old = TOTPDevice.objects.get(user=world.link_worker, confirmed=True)
    assert _confirm(worker).status_code == 302
    page = worker.get("/accounts/security/authenticator/")
    assert page.status_code == 200 and "data:image/svg+xml" in page.content.decode()
    new = TOTPDevice.objects.get(user=world.link_worker, confirmed=False)
    response = send(worker, "/accounts/security/authenticator/", {"token": f"{totp(new.bin_key):06d}"})
    assert response.status_code == 200 and "only one now" in response.content.decode()
    assert list(TOTPDevice.objects.filter(user=world.link_worker).values_list("pk", "confirmed")) == [(new.pk, True)]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    event = AuditEvent.objects.get(action="security", what="authenticator")
    assert event.username == "lw-north" and event.detail["address"] == "127.0.0.1"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lw@example.org"]
    assert "authenticator app was replaced" in mail.outbox[0].subject
    # A second change needs confirming again.
    assert worker.get("/accounts/security/authenticator/").status_code == 302


def test_new_recovery_codes_end_the_old_ones(worker, world, send):
    _confirm(worker)
    assert worker.get("/accounts/security/recovery-codes/").status_code == 200
    response = send(worker, "/accounts/security/recovery-codes/")
    codes = response.context["codes"]
    assert len(codes) == 10
    assert set(StaticToken.objects.filter(device__user=world.link_worker).values_list("token", flat=True)) == set(codes)
    assert AuditEvent.objects.filter(action="security", what="recovery codes").count() == 1
    assert "recovery codes" in mail.outbox[0].subject


def test_changing_the_password_checks_it_and_keeps_this_session(worker, world, send):
    _confirm(worker)
    weak = worker.post("/accounts/security/password/", {"password": "short", "again": "short"})
    assert weak.status_code == 400 and "too short" in weak.content.decode()
    differ = worker.post(
        "/accounts/security/password/", {"password": "a-new-long-password-1", "again": "a-new-long-password-2"}
    )
    assert differ.status_code == 400 and "not the same" in differ.content.decode()
    done = send(
        worker, "/accounts/security/password/", {"password": "a-new-long-password-1", "again": "a-new-long-password-1"}
    )
    assert done.status_code == 200
    world.link_worker.refresh_from_db()
    assert world.link_worker.check_password("a-new-long-password-1")
    assert worker.get("/accounts/security/").status_code == 200  # still signed in here
    assert AuditEvent.objects.filter(action="security", what="password").count() == 1
    assert "password was changed" in mail.outbox[0].subject


def test_a_confirmation_lasts_five_minutes(worker):
    _confirm(worker)
    session = worker.session
    session["kith_confirmed_at"] = time.time() - 301
    session.save()
    assert worker.get("/accounts/security/password/").status_code == 302


def test_first_set_up_is_audited_and_emailed_once(client, world, send):
    world.planner.email = "planner@example.org"
    world.planner.save()
    client.post("/accounts/sign-in/", {"username": "planner", "password": PASSWORD})
    client.get("/accounts/sign-in/two-factor/setup/")
    device = TOTPDevice.objects.get(user=world.planner)
    response = send(client, "/accounts/sign-in/two-factor/setup/", {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    assert AuditEvent.objects.filter(action="security", what="turned on", username="planner").count() == 1
    assert len(mail.outbox) == 1 and "turned on" in mail.outbox[0].subject


def test_the_admin_shows_no_recovery_codes_and_resets_a_lost_phone_with_an_audit(client, world, send):
    from django.contrib.auth import get_user_model

    world.administrator.is_staff = world.administrator.is_superuser = True
    world.administrator.save()
    sign_in(client, world.administrator)
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 404
    TOTPDevice.objects.get_or_create(user=world.link_worker, confirmed=True, defaults={"name": "App"})
    lost = get_user_model().objects.get(pk=world.link_worker.pk)
    response = send(
        client, "/admin/auth/user/", {"action": "reset_two_factor", "_selected_action": [lost.pk], "index": 0}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=lost).exists()
    assert not StaticToken.objects.filter(device__user=lost).exists()
    event = AuditEvent.objects.get(action="security", what="reset two-factor")
    assert event.username == "admin-test" and event.detail["account"] == "lw-north"
    assert "reset by an administrator" in mail.outbox[0].subject and mail.outbox[0].to == ["lw@example.org"]


def test_demo_codes_stay_the_same_across_runs_until_asked_for(db):
    from kith.accounts.demo import ensure_demo_users

    first = {e["username"]: e["recovery_codes"] for e in ensure_demo_users(with_second_factor=True, codes=3)}
    again = {e["username"]: e["recovery_codes"] for e in ensure_demo_users(with_second_factor=True, codes=3)}
    assert first == again
    StaticToken.objects.filter(token=first["demo-lead"][0]).delete()  # used once
    after_use = {e["username"]: e["recovery_codes"] for e in ensure_demo_users(with_second_factor=True, codes=3)}
    assert after_use["demo-lead"][:2] == first["demo-lead"][1:] and after_use["demo-gp"] == first["demo-gp"]
    fresh = {e["username"]: e["recovery_codes"] for e in ensure_demo_users(with_second_factor=True, new_codes=True)}
    assert not set(fresh["demo-gp"]) & set(first["demo-gp"])


@pytest.mark.parametrize(
    ("typed", "words"), [("123456", "Codes change every 30 seconds"), ("abcd2345efgh", "Each recovery code works once")]
)
def test_a_wrong_code_is_answered_for_what_was_typed(client, world, typed, words):
    from tests.accounts.test_sign_in_limits import _password_only

    _password_only(client, world.link_worker)
    response = client.post("/accounts/sign-in/two-factor/", {"token": typed})
    assert response.status_code == 400 and words in response.content.decode()
