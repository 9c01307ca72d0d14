"""Changes to how a member of staff signs in, and the record of sign-ins: audited, and the holder is told.
Teams' and link workers' wards moved to a new vintage of ward boundaries."""

from dataclasses import dataclass

from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kith.accounts import twofactor
from kith.accounts.models import StaffProfile, Team
from kith.core import audit
from kith.core.client import client_ip
from kith.core.mail import send_on_commit
from kith.geo import vintages
from kith.geo.models import Area, AreaLevel

WHAT = {
    "reset": "Your two-factor sign-in was reset by an administrator",
    "turned on": "Two-factor sign-in was turned on for your account",
    "authenticator": "Your authenticator app was replaced",
    "recovery codes": "New recovery codes were made, and the old ones no longer work",
    "password": "Your password was changed",
}


def _tell_holder(request, user, what: str) -> None:
    if user.email:
        send_on_commit(
            "accounts/email_security_changed.txt",
            {"user": user, "change": WHAT[what], "at": timezone.localtime(), "address": client_ip(request)},
            [user.email],
        )


def record_sign_in(request, user, *, step: str) -> None:
    audit.record(user=user, action="sign-in", what=step, object_id=user.pk, address=client_ip(request))


def record_refused_sign_in(request, *, username: str, step: str, reason: str) -> None:
    user = request.user if request.user.is_authenticated else None
    audit.record(
        user=user, username=username, action="sign-in-failed", what=step, address=client_ip(request), reason=reason
    )


@transaction.atomic
def turn_on_two_factor(request, *, device: TOTPDevice) -> list[str]:
    """The first authenticator, confirmed, and the first recovery codes."""
    user = request.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = twofactor.new_recovery_codes(user)
    audit.record(user=user, action="security", what="turned on", object_id=user.pk, address=client_ip(request))
    _tell_holder(request, user, "turned on")
    return codes


@transaction.atomic
def replace_authenticator(request, *, device: TOTPDevice) -> None:
    """The newly confirmed app becomes the only one."""
    user = request.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(user=user, action="security", what="authenticator", object_id=user.pk, address=client_ip(request))
    _tell_holder(request, user, "authenticator")


@transaction.atomic
def replace_recovery_codes(request) -> list[str]:
    codes = twofactor.new_recovery_codes(request.user)
    audit.record(
        user=request.user, action="security", what="recovery codes", object_id=request.user.pk,
        address=client_ip(request),
    )  # fmt: skip
    _tell_holder(request, request.user, "recovery codes")
    return codes


@transaction.atomic
def change_password(request, *, password: str) -> None:
    user = request.user
    user.set_password(password)
    user.save(update_fields=["password"])
    update_session_auth_hash(request, user)  # this session stays signed in; others end
    audit.record(user=user, action="security", what="password", object_id=user.pk, address=client_ip(request))
    _tell_holder(request, user, "password")


@transaction.atomic
def reset_two_factor(request, *, user) -> None:
    """An administrator removes someone's second factors (a lost phone); they enrol again at next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticToken.objects.filter(device__user=user).delete()
    audit.record(
        user=request.user, action="security", what="reset two-factor", object_id=user.pk, username="",
        address=client_ip(request), account=user.username,
    )  # fmt: skip
    _tell_holder(request, user, "reset")


@dataclass(frozen=True)
class WardMove:
    holder: str  # "Team North Manchester", "Link worker asha"
    old: Area
    new: list[tuple[Area, float]]  # successors and the share of the old ward each took


def move_retired_wards(*, apply: bool) -> list[WardMove]:
    """Teams' and link workers' retired wards with their successors; `apply` swaps them in, audited."""
    holders = [(f"Team {t.name}", t.wards) for t in Team.objects.prefetch_related("wards")] + [
        (f"Link worker {p.user.username}", p.neighbourhoods)
        for p in StaffProfile.objects.select_related("user").prefetch_related("neighbourhoods")
        if p.neighbourhoods.all()
    ]
    held = {ward.code for _, wards in holders for ward in wards.all() if ward.level == AreaLevel.WARD}
    gone = vintages.retired(held)
    found = {code: vintages.successors(code) for code in gone}
    moves = [
        (wards, WardMove(holder, ward, found[ward.code]))
        for holder, wards in holders
        for ward in wards.all()
        if ward.code in gone
    ]
    if apply:
        with transaction.atomic():
            for wards, move in moves:
                if move.new:
                    wards.remove(move.old)
                    wards.add(*[area for area, _ in move.new])
                    audit.record(
                        user=None, action="update", what="ward moved to a new vintage", object_id=move.old.code,
                        holder=move.holder, to=[area.code for area, _ in move.new],
                    )  # fmt: skip
    return [move for _, move in moves]
