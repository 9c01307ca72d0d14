"""Second factors: a TOTP authenticator app, and single-use recovery codes."""

import base64

import segno
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The key as people type it into an authenticator app (base32, in groups of four)."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4)


def new_recovery_codes(user) -> list[str]:
    """Ten new codes; every code made before stops working."""
    StaticToken.objects.filter(device__user=user).delete()
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def unused_recovery_codes(user) -> list[str]:
    """The codes not yet used, oldest first (django-otp deletes a code when it is used)."""
    return list(StaticToken.objects.filter(device__user=user).order_by("id").values_list("token", flat=True))


def wrong_code_message(token: str) -> str:
    """Why a code was refused, in words that fit what was typed: an app's six digits, or a recovery code."""
    if token.replace(" ", "").isdigit():
        return "That code is not right. Codes change every 30 seconds: enter the one your app shows now."
    return "That recovery code is not right, or it has been used already. Each recovery code works once."


def verify(user, token: str):
    """The device the token belongs to, or None. Recovery codes work once."""
    token = token.replace(" ", "").strip()
    if not token:
        return None
    for device in [*TOTPDevice.objects.filter(user=user, confirmed=True), *StaticDevice.objects.filter(user=user)]:
        if device.verify_token(token):
            return device
    return None
