"""Who may open a page: signed in, second factor given, and the right role. Anything else is a 404."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from kith.accounts.roles import role_of


def staff_required(*roles: str):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
            if not user.is_verified():
                return redirect(f"{reverse('accounts:two_factor')}?next={request.get_full_path()}")
            if role_of(user) not in roles:
                raise Http404("No such page")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
