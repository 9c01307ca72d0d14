"""Settings that are each valid but wrong together: refused when Kith starts (`kith serve`, `manage.py check`)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register
from django.http.request import validate_host


@register()
def settings_agree(app_configs=None, **kwargs) -> list[Error]:
    errors = []
    host = urlsplit(settings.KITH_BASE_URL).hostname or ""
    if not validate_host(host, settings.ALLOWED_HOSTS):
        errors.append(
            Error(
                f"KITH_BASE_URL names the host {host}, which KITH_ALLOWED_HOSTS does not allow: every link Kith "
                "emails would lead to a page that refuses it.",
                hint=f"Add {host} to KITH_ALLOWED_HOSTS, or set KITH_BASE_URL to the address people use.",
                id="kith.E001",
            )
        )
    if settings.KITH_BEHIND_PROXY and not settings.KITH_CLIENT_IP_HEADER:
        errors.append(
            Error(
                "KITH_BEHIND_PROXY is on but KITH_CLIENT_IP_HEADER is not set: every request would seem to come "
                "from the proxy, so one person's mistyped passwords would lock every member of staff out.",
                hint="Set KITH_CLIENT_IP_HEADER to the header your proxy writes, such as X-Forwarded-For.",
                id="kith.E002",
            )
        )
    return errors
