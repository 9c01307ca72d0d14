"""Where a source set up on the web may read from: http(s) anywhere public; files only as an administrator.

The command line is not checked here: whoever runs `kith import` on the server can read its files anyway.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

from kith.accounts.models import Role
from kith.accounts.roles import role_of
from kith.feeds.fetch import PACKAGED, FetchError, packaged_path


def check_location(location: str, *, user) -> str:
    """The location, tidied, if this user may set it; else a ValidationError in words."""
    location = location.strip()
    if "://" in location:
        parts = urlsplit(location)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValidationError("Give an address that starts with http:// or https://.")
        return location
    if role_of(user) != Role.ADMINISTRATOR:
        raise ValidationError("Only an administrator may import from a file. Give an http:// or https:// address.")
    if location.startswith(PACKAGED):
        try:
            path = packaged_path(location)
        except FetchError as error:
            raise ValidationError(str(error)) from None
    else:
        folder = Path(settings.KITH_IMPORT_DIR).resolve()
        path = Path(location).resolve()
        if not path.is_relative_to(folder):
            raise ValidationError(
                f"Files can only be imported from the import folder ({folder}), or named as packaged:<path> "
                "for a data file Kith ships."
            )
    if not path.is_file():
        raise ValidationError(f"There is no file at {location}.")
    return location
