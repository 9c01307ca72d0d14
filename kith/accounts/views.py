"""Sign in with a password and a second factor; set up an authenticator; sign out."""

import time

import django_otp
from django import forms
from django.contrib.auth import authenticate, login, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from kith.accounts import twofactor
from kith.accounts.middleware import SIGNED_IN_AT


class SignInForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150)
    password = forms.CharField(label="Password", max_length=200, widget=forms.PasswordInput)


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code", max_length=20, help_text="The 6 digits from your authenticator app, or a recovery code"
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("people:home")


def _too_many(request, group: str) -> bool:
    """Rate limits per address and per account: a slowdown that passes, never a lockout."""
    by_address = is_ratelimited(request, group=group, key="ip", rate="30/10m", increment=True)
    by_account = is_ratelimited(request, group=group, key="post:username", rate="10/10m", increment=True)
    return by_address or by_account


def sign_in(request):
    form = SignInForm(request.POST or None)
    if request.method == "POST":
        if _too_many(request, "sign-in"):
            form.is_valid()
            form.add_error(None, "Too many sign-in attempts. Wait ten minutes, then try again.")
            return render(request, "accounts/sign_in.html", {"form": form, "next": _next(request)}, status=429)
        if form.is_valid():
            user = authenticate(request, **form.cleaned_data)
            if user is not None:
                login(request, user)
                request.session[SIGNED_IN_AT] = time.time()
                return redirect(f"{reverse('accounts:two_factor')}?next={_next(request)}")
            form.add_error(None, "The username or password is not right.")
        return render(request, "accounts/sign_in.html", {"form": form, "next": _next(request)}, status=400)
    return render(request, "accounts/sign_in.html", {"form": form, "next": _next(request)})


def two_factor(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if request.user.is_verified():
        return redirect(_next(request))
    if twofactor.confirmed_device(request.user) is None:
        return redirect(f"{reverse('accounts:two_factor_setup')}?next={_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        if _too_many(request, "two-factor"):
            form.is_valid()
            form.add_error(None, "Too many attempts. Wait ten minutes, then try again.")
            return render(request, "accounts/two_factor.html", {"form": form, "next": _next(request)}, status=429)
        if form.is_valid():
            device = twofactor.verify(request.user, form.cleaned_data["token"])
            if device is not None:
                django_otp.login(request, device)
                return redirect(_next(request))
            form.add_error("token", "That code is not right. Codes change every 30 seconds.")
        return render(request, "accounts/two_factor.html", {"form": form, "next": _next(request)}, status=400)
    return render(request, "accounts/two_factor.html", {"form": form, "next": _next(request)})


def two_factor_setup(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if twofactor.confirmed_device(request.user) is not None and not request.user.is_verified():
        return redirect("accounts:two_factor")
    device = twofactor.pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].replace(" ", "")):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            django_otp.login(request, device)
            codes = twofactor.new_recovery_codes(request.user)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)})
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


@require_POST
def sign_out(request):
    logout(request)
    return redirect("accounts:login")
