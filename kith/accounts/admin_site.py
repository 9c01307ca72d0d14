from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse


class KithAdminSite(admin.AdminSite):
    """Django admin behind Kith's own sign-in, which asks for a second factor."""

    site_header = "Kith administration"
    site_title = "Kith administration"

    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request, extra_context=None):
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("accounts:login"))

    def password_change(self, request, extra_context=None):
        """Kith's own page, which asks for the password and a current code, audits and emails the holder."""
        return redirect("accounts:change_password")
