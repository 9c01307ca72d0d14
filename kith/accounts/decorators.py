"""Who may open a page: signed in, second factor given, and the right role.

A role that may not use a page is told so in words (403): which roles may, and where to go instead. An object
that is not yours (a person, a referral, an enquiry) is the access functions' business and stays an identical
404, so nobody learns what exists (ADR 0007, 0013). Staff pages are never stored by browsers or proxies: most
show people's records or the work of a team.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from kith.accounts.models import Role
from kith.accounts.roles import role_of
from kith.core import audit

DIRECTORY_EDITOR = "directory editor"


def role_name(role: str | None) -> str:
    """A role as people say it in a sentence: "link worker", "directory editor"."""
    return Role(role).label.lower() if role else DIRECTORY_EDITOR


def _with_article(name: str) -> str:
    return f"an {name}" if name[0] in "aeiou" else f"a {name}"


def needs_sentence(roles, to: str) -> str:
    """ "You need to be a link worker, a neighbourhood lead or an administrator to review listings."""
    names = [_with_article(role_name(role)) for role in dict.fromkeys(roles)]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f"You need to be {listed} to {to}."


def _gate(request, view, args, kwargs, roles, to):
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
    if not user.is_verified():
        return redirect(f"{reverse('accounts:two_factor')}?next={request.get_full_path()}")
    role = role_of(user)
    # None stands for a directory editor: staff with no care role. An account with neither is nobody's.
    if roles is not None and (role not in roles or (role is None and not user.is_staff)):
        audit.record(user=user, action="refused", what="page", object_id=request.path[:64])
        if role or user.is_staff:
            yours = f"You are signed in as {_with_article(role_name(role))}."
        else:
            yours = "Your account has no role yet: ask an administrator to give it one."
        raise PermissionDenied(f"{needs_sentence(roles, to)} {yours}")
    response = view(request, *args, **kwargs)
    add_never_cache_headers(response)
    return response


def staff_required(*roles: str, to: str = "use this page"):
    """Let in these roles (None: directory editors); `to` says what the page is for, in the refusal."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            return _gate(request, view, args, kwargs, roles, to)

        return wrapped

    return decorator


def signed_in_required(view):
    """Any signed-in account that has given its second factor, whatever its role."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return _gate(request, view, args, kwargs, None, "")

    return wrapped
