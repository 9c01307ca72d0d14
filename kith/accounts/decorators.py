"""Who may open a page: signed in, second factor given, and the right role. Anything else is a 404.

Staff pages are never stored by browsers or proxies: most show people's records or the work of a team.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from kith.accounts.roles import role_of
from kith.core import audit


def _gate(request, view, args, kwargs, roles):
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
    if not user.is_verified():
        return redirect(f"{reverse('accounts:two_factor')}?next={request.get_full_path()}")
    role = role_of(user)
    # None stands for a directory editor: staff with no care role. An account with neither is nobody's.
    if roles is not None and (role not in roles or (role is None and not user.is_staff)):
        audit.record(user=user, action="refused", what="page", object_id=request.path[:64])
        raise Http404("No such page")
    response = view(request, *args, **kwargs)
    add_never_cache_headers(response)
    return response


def staff_required(*roles: str):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            return _gate(request, view, args, kwargs, roles)

        return wrapped

    return decorator


def signed_in_required(view):
    """Any signed-in account that has given its second factor, whatever its role."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return _gate(request, view, args, kwargs, None)

    return wrapped
