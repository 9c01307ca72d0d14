import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

SIGNED_IN_AT = "kith_signed_in_at"


class AbsoluteSessionTimeoutMiddleware:
    """Sign people out a fixed time after they signed in, however active they have been."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = request.session.get(SIGNED_IN_AT) if request.user.is_authenticated else None
        if started is not None and time.time() - started > settings.KITH_SESSION_MAX_HOURS * 3600:
            logout(request)
            messages.info(request, "You were signed out because your session reached its time limit.")
            return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
        return self.get_response(request)
