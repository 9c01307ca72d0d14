"""Fetch a feed safely: http(s) only, never an internal address, a size limit, an overall deadline, retries.

An import source is a URL someone typed, and the feed at it may redirect anywhere. Every connection
(the first and each redirect) is made by `GuardedBackend`, which resolves the host itself, refuses
loopback, private, link-local and reserved addresses unless `KITH_IMPORT_ALLOWED_HOSTS` names them,
and connects to the address it checked, so a DNS answer cannot change between check and use.
"""

import ipaddress
import socket
import time
from pathlib import Path

import httpcore
import httpx
from django.conf import settings

TIMEOUT_S = 20.0  # for each read; the whole fetch also has a deadline (KITH_FETCH_DEADLINE_SECONDS)
MAX_BYTES = 50 * 1024 * 1024
RETRIES = 3
BACKOFF_S = 1.0
MAX_REDIRECTS = 5
PACKAGED = "packaged:"
# The data files Kith ships, which a `packaged:` location may name.
PACKAGED_FOLDERS = ("docs/examples", "kith/directory/data", "kith/geo/data", "kith/feeds/data")


class FetchError(Exception):
    """The feed could not be read; str(error) says why, for the import report."""

    final = False  # True when trying again cannot help


def _final(message: str) -> FetchError:
    error = FetchError(message)
    error.final = True
    return error


def _allowed(host: str, port: int, address) -> bool:
    for entry in settings.KITH_IMPORT_ALLOWED_HOSTS:
        if entry in (host, f"{host}:{port}", str(address), f"{address}:{port}"):
            return True
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def check_address(host: str, port: int, address) -> None:
    """Refuse an address inside a private network or this machine, unless the allow-list names it."""
    address = ipaddress.ip_address(address)
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    internal = not address.is_global or address.is_multicast
    if internal and not _allowed(host, port, address):
        raise _final(
            f"{host} is at an internal address ({address}); Kith does not fetch from internal addresses "
            "unless KITH_IMPORT_ALLOWED_HOSTS names them."
        )


class GuardedBackend(httpcore.SyncBackend):
    """Connects only to addresses `check_address` allows, resolving each host once, here."""

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror:
            raise httpcore.ConnectError(f"{host} could not be found") from None
        for *_, sockaddr in answers:
            check_address(host, port, sockaddr[0])
        # Connect to the checked address itself; TLS still verifies the certificate for `host`.
        return super().connect_tcp(
            answers[0][4][0], port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )


class GuardedTransport(httpx.HTTPTransport):
    def __init__(self):
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False), network_backend=GuardedBackend()
        )


def read(
    location: str,
    *,
    max_bytes: int | None = None,
    timeout: float | None = None,
    retries: int | None = None,
    backoff: float | None = None,
) -> bytes:
    # The limits are read at call time, so that an operator (or a test) can change them.
    max_bytes = max_bytes or MAX_BYTES
    timeout = timeout or TIMEOUT_S
    retries = retries or RETRIES
    backoff = BACKOFF_S if backoff is None else backoff
    if not location.startswith(("http://", "https://")):
        return _read_file(location, max_bytes=max_bytes)
    deadline = time.monotonic() + settings.KITH_FETCH_DEADLINE_SECONDS
    last = None
    for attempt in range(retries):
        try:
            return _get(location, max_bytes=max_bytes, timeout=timeout, deadline=deadline)
        except FetchError as error:
            last = error
            if error.final:
                break
        if attempt < retries - 1:
            pause = backoff * 2**attempt
            if time.monotonic() + pause >= deadline:
                break
            time.sleep(pause)
    raise last


def packaged_path(location: str) -> Path:
    """The file a `packaged:` location names, which must be one of the data files Kith ships."""
    relative = location.removeprefix(PACKAGED).lstrip("/")
    path = (settings.BASE_DIR / relative).resolve()
    if not any(path.is_relative_to((settings.BASE_DIR / folder).resolve()) for folder in PACKAGED_FOLDERS):
        raise _final(f"{location} is not one of the data files Kith ships ({', '.join(PACKAGED_FOLDERS)}).")
    return path


def _read_file(location: str, *, max_bytes: int) -> bytes:
    if "://" in location:
        raise _final(f"Kith does not read {location.split('://')[0]}:// addresses; use http:// or https://.")
    path = packaged_path(location) if location.startswith(PACKAGED) else Path(location)
    if not path.is_file():
        raise _final(f"There is no file at {location}.")
    if path.stat().st_size > max_bytes:
        raise _final(f"{location} is larger than {max_bytes // (1024 * 1024)} MB.")
    return path.read_bytes()


def _get(url: str, *, max_bytes: int, timeout: float, deadline: float) -> bytes:
    def left() -> float:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _final(f"{url} took longer than {settings.KITH_FETCH_DEADLINE_SECONDS} seconds in all; stopped.")
        return remaining

    try:
        with (
            httpx.Client(
                transport=GuardedTransport(),
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                headers={"User-Agent": "Kith importer", "Accept": "application/json, */*"},
            ) as client,
            client.stream("GET", url, timeout=min(timeout, left())) as response,
        ):
            if response.status_code >= 400:
                error = FetchError(f"{url} answered {response.status_code}.")
                error.final = 400 <= response.status_code < 500  # a 404 will not mend itself by retrying
                raise error
            declared = int(response.headers.get("content-length") or 0)
            if declared > max_bytes:
                raise _final(f"{url} is larger than {max_bytes // (1024 * 1024)} MB.")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise _final(f"{url} sent more than {max_bytes // (1024 * 1024)} MB; stopped reading.")
                chunks.append(chunk)
                left()  # a feed that trickles a byte at a time still ends at the deadline
            return b"".join(chunks)
    except httpx.UnsupportedProtocol:
        raise _final(f"{url} redirected to an address Kith does not read; use http:// or https://.") from None
    except httpx.TooManyRedirects:
        raise _final(f"{url} redirected more than {MAX_REDIRECTS} times.") from None
    except httpx.TimeoutException:
        left()
        raise FetchError(f"{url} did not answer within {timeout:g} seconds.") from None
    except httpx.HTTPError as error:
        cause = error.__context__
        if isinstance(cause, FetchError):
            raise cause from None
        raise FetchError(f"{url} could not be reached ({type(error).__name__}).") from None
