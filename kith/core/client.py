"""The address a request came from, as rate limits and the audit trail should see it.

Behind a reverse proxy the connection's address is the proxy's, so every visitor would share one
budget. With `KITH_CLIENT_IP_HEADER` set, the client is read from that header, counting
`KITH_TRUSTED_PROXY_HOPS` addresses from the right: those are the ones our own proxies appended.
Anything further left was written by the client and can be anything, so it is never used.
"""

import ipaddress

from django.conf import settings


def _meta_key(header: str) -> str:
    return "HTTP_" + header.strip().upper().replace("-", "_")


def address_from_header(value: str, hops: int) -> str | None:
    """The address `hops` places from the right of a comma-separated header, or None if there is none."""
    parts = [part.strip() for part in value.split(",")]
    if hops < 1 or len(parts) < hops:
        return None
    candidate = parts[-hops]
    if candidate.startswith("[") and "]" in candidate:  # [2001:db8::1]:443
        candidate = candidate[1 : candidate.index("]")]
    elif candidate.count(":") == 1:  # 203.0.113.7:51234
        candidate = candidate.split(":")[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The client's address: from the configured proxy header when it is there and well formed, else the peer's."""
    header = settings.KITH_CLIENT_IP_HEADER
    if header:
        found = address_from_header(request.META.get(_meta_key(header), ""), settings.KITH_TRUSTED_PROXY_HOPS)
        if found:
            return found
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"
