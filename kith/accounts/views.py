"""Sign in with a password and a second factor; set up an authenticator; change how you sign in; sign out."""

import time
from urllib.parse import urlencode

import django_otp
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, login, logout, password_validation
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kith.accounts import limits, services, twofactor
from kith.accounts.decorators import signed_in_required, staff_required
from kith.accounts.middleware import SIGNED_IN_AT
from kith.accounts.models import Role
from kith.core import auditing
from kith.core.models import AuditEvent

# Changing a factor or the password needs the password and a current code given this recently.
FRESH_SECONDS = 5 * 60
CONFIRMED_AT = "kith_confirmed_at"


class SignInForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150)
    password = forms.CharField(label="Password", max_length=200, widget=forms.PasswordInput, strip=False)


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code", max_length=20, help_text="The 6 digits from your authenticator app, or a recovery code"
    )


class ConfirmForm(TokenForm):
    password = forms.CharField(label="Your password", max_length=200, widget=forms.PasswordInput, strip=False)
    field_order = ["password", "token"]


class NewPasswordForm(forms.Form):
    password = forms.CharField(
        label="New password",
        max_length=200,
        widget=forms.PasswordInput,
        strip=False,
        help_text="At least 12 characters; not a common password",
    )
    again = forms.CharField(label="The new password again", max_length=200, widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("again") and data["password"] != data["again"]:
            self.add_error("again", "The two passwords are not the same.")
        elif data.get("password"):
            try:
                password_validation.validate_password(data["password"], self.user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("people:home")


@never_cache
def sign_in(request):
    form = SignInForm(request.POST or None)
    context = {"form": form, "next": _next(request)}
    if request.method != "POST":
        return render(request, "accounts/sign_in.html", context)
    if not form.is_valid():
        return render(request, "accounts/sign_in.html", context, status=400)
    # The name exactly as authentication uses it (the form strips spaces), so no spelling escapes the count.
    username = form.cleaned_data["username"]
    refusal = limits.password_refusal(request, username)
    if refusal:
        services.record_refused_sign_in(request, username=username, step="password", reason="rate limited")
        form.add_error(None, refusal)
        return render(request, "accounts/sign_in.html", context, status=429)
    user = authenticate(request, username=username, password=form.cleaned_data["password"])
    if user is None:
        limits.password_failed(request, username)
        services.record_refused_sign_in(request, username=username, step="password", reason="wrong password")
        form.add_error(None, "The username or password is not right.")
        return render(request, "accounts/sign_in.html", context, status=400)
    login(request, user)
    request.session[SIGNED_IN_AT] = time.time()
    services.record_sign_in(request, user, step="password")
    return redirect(f"{reverse('accounts:two_factor')}?next={_next(request)}")


@never_cache
def two_factor(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if request.user.is_verified():
        return redirect(_next(request))
    if twofactor.confirmed_device(request.user) is None:
        return redirect(f"{reverse('accounts:two_factor_setup')}?next={_next(request)}")
    form = TokenForm(request.POST or None)
    context = {"form": form, "next": _next(request)}
    if request.method != "POST":
        return render(request, "accounts/two_factor.html", context)
    refusal = limits.code_refusal(request)
    if refusal:
        services.record_refused_sign_in(
            request, username=request.user.username, step="two-factor", reason="rate limited"
        )
        form.is_valid()
        form.add_error(None, refusal)
        return render(request, "accounts/two_factor.html", context, status=429)
    if form.is_valid():
        device = twofactor.verify(request.user, form.cleaned_data["token"])
        if device is not None:
            django_otp.login(request, device)
            services.record_sign_in(request, request.user, step="two-factor")
            response = redirect(_next(request))
            limits.remember_account(request, response, request.user.username)
            return response
        limits.code_failed(request)
        services.record_refused_sign_in(request, username=request.user.username, step="two-factor", reason="wrong code")
        form.add_error("token", twofactor.wrong_code_message(form.cleaned_data["token"]))
    return render(request, "accounts/two_factor.html", context, status=400)


@never_cache
def two_factor_setup(request):
    """The first authenticator, straight after the first password sign-in. Replacing one is `security`'s job."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if twofactor.confirmed_device(request.user) is not None:
        return redirect("accounts:security" if request.user.is_verified() else "accounts:two_factor")
    device = twofactor.pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].replace(" ", "")):
            codes = services.turn_on_two_factor(request, device=device)
            django_otp.login(request, device)
            response = render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)})
            limits.remember_account(request, response, request.user.username)
            return response
        form.add_error("token", "That code is not right. Check the time on your phone, then try the next code.")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": twofactor.secret_text(device),
            "qr": twofactor.qr_data_uri(device),
            "next": _next(request),
        },
        status=status,
    )


def _fresh(request) -> bool:
    confirmed = request.session.get(CONFIRMED_AT)
    return confirmed is not None and time.time() - confirmed < FRESH_SECONDS


def _needs_confirming(request):
    return redirect(f"{reverse('accounts:confirm')}?next={request.path}")


@signed_in_required
def security(request):
    return render(
        request,
        "accounts/security.html",
        {
            "authenticator": twofactor.confirmed_device(request.user),
            "codes_left": twofactor.recovery_codes_left(request.user),
        },
    )


@signed_in_required
def confirm(request):
    """Password and a current code again, before anything about signing in changes."""
    form = ConfirmForm(request.POST or None)
    context = {"form": form, "next": _next(request)}
    if request.method != "POST":
        return render(request, "accounts/confirm.html", context)
    refusal = limits.code_refusal(request) or limits.password_refusal(request, request.user.username)
    if refusal:
        form.is_valid()
        form.add_error(None, refusal)
        return render(request, "accounts/confirm.html", context, status=429)
    if form.is_valid():
        right_password = request.user.check_password(form.cleaned_data["password"])
        device = twofactor.verify(request.user, form.cleaned_data["token"]) if right_password else None
        if device is not None:
            request.session[CONFIRMED_AT] = time.time()
            return redirect(_next(request))
        if right_password:
            limits.code_failed(request)
        else:
            limits.password_failed(request, request.user.username)
        services.record_refused_sign_in(
            request, username=request.user.username, step="confirm", reason="wrong password or code"
        )
        form.add_error(None, "The password or the code is not right.")
    return render(request, "accounts/confirm.html", context, status=400)


@signed_in_required
def replace_authenticator(request):
    if not _fresh(request):
        return _needs_confirming(request)
    device = twofactor.pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].replace(" ", "")):
            services.replace_authenticator(request, device=device)
            django_otp.login(request, device)
            request.session.pop(CONFIRMED_AT, None)
            return render(request, "accounts/changed.html", {"what": "Your new authenticator app is the only one now."})
        form.add_error("token", "That code is not right. Check the time on your phone, then try the next code.")
    return render(
        request,
        "accounts/replace_authenticator.html",
        {"form": form, "secret": twofactor.secret_text(device), "qr": twofactor.qr_data_uri(device)},
        status=400 if request.method == "POST" else 200,
    )


@signed_in_required
def recovery_codes(request):
    if not _fresh(request):
        return _needs_confirming(request)
    if request.method == "POST":
        codes = services.replace_recovery_codes(request)
        request.session.pop(CONFIRMED_AT, None)
        return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("accounts:security")})
    return render(request, "accounts/new_recovery_codes.html")


@signed_in_required
def change_password(request):
    if not _fresh(request):
        return _needs_confirming(request)
    form = NewPasswordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.change_password(request, password=form.cleaned_data["password"])
        request.session.pop(CONFIRMED_AT, None)
        return render(request, "accounts/changed.html", {"what": "Your password is changed."})
    return render(
        request, "accounts/change_password.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@require_POST
def sign_out(request):
    logout(request)
    return redirect("accounts:login")


@staff_required(Role.ADMINISTRATOR, to="read the audit trail")
def audit_trail(request):
    """Who did what: sign-ins, refused reads, changes to sign-in, reads and exports of records."""
    events = AuditEvent.objects.order_by("-at", "-id")
    action = request.GET.get("action", "")
    if action in AuditEvent.Action.values:
        events = events.filter(action=action)
    username = request.GET.get("username", "").strip()[:150]
    if username:
        events = events.filter(username=username)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    params = urlencode({k: v for k, v in {"action": action, "username": username}.items() if v})
    return render(
        request,
        "accounts/audit.html",
        {
            "page": page,
            "flags": auditing.refused_bursts(),
            "actions": AuditEvent.Action.choices,
            "action": action,
            "username": username,
            "params": f"{params}&" if params else "",
            "threshold": settings.KITH_AUDIT_REFUSED_ALERT,
            "minutes": settings.KITH_AUDIT_REFUSED_MINUTES,
        },
    )
