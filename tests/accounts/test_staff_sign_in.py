"""Staff sign-in: failures slow down without locking anyone out, the second factor, session limits, hashing."""

import time

import pytest

from tests.personas import build_world, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_sign_in_rate_limit_slows_down_without_locking_out(client, world):
    for _ in range(10):
        client.post("/accounts/sign-in/", {"username": "lw-north", "password": "wrong"})
    response = client.post("/accounts/sign-in/", {"username": "lw-north", "password": "wrong"})
    assert response.status_code == 429 and "Wait ten minutes" in response.content.decode()
    from django.core.cache import cache

    cache.clear()  # the window passing: no lockout remains
    from tests.personas import PASSWORD

    assert client.post("/accounts/sign-in/", {"username": "lw-north", "password": PASSWORD}).status_code == 302


def test_two_factor_setup_with_an_authenticator_code(client, world):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.personas import PASSWORD

    client.post("/accounts/sign-in/", {"username": "planner", "password": PASSWORD})
    assert client.get("/workspace/").status_code == 302  # not verified: sent to the second factor
    page = client.get("/accounts/sign-in/two-factor/setup/")
    assert page.status_code == 200 and "data:image/svg+xml" in page.content.decode()
    device = TOTPDevice.objects.get(user=world.planner)
    assert client.post("/accounts/sign-in/two-factor/setup/", {"token": "000000"}).status_code == 400
    # django-otp slows down guessing after a wrong code; let that delay pass.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = client.post("/accounts/sign-in/two-factor/setup/", {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    assert client.get("/workspace/").status_code == 302


def test_sessions_end_after_the_absolute_limit(client, world, settings):
    sign_in(client, world.link_worker)
    assert client.get("/people/").status_code == 200
    session = client.session
    session["kith_signed_in_at"] = time.time() - settings.KITH_SESSION_MAX_HOURS * 3600 - 1
    session.save()
    response = client.get("/people/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE == 30 * 60


def test_production_hashes_passwords_with_argon2():
    import kith.config.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    from django.contrib.auth.hashers import Argon2PasswordHasher

    assert Argon2PasswordHasher().encode("x", Argon2PasswordHasher().salt()).startswith("argon2$argon2id$")
