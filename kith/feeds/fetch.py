"""Fetch a feed: timeouts, a size limit, and retries with back-off. Files are read the same way."""

import time
from pathlib import Path

import httpx

TIMEOUT_S = 20.0
MAX_BYTES = 50 * 1024 * 1024
RETRIES = 3
BACKOFF_S = 1.0


class FetchError(Exception):
    """The feed could not be read; str(error) says why, for the import report."""


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
        path = Path(location)
        if not path.is_file():
            raise FetchError(f"There is no file at {location}.")
        if path.stat().st_size > max_bytes:
            raise FetchError(f"{location} is larger than {max_bytes // (1024 * 1024)} MB.")
        return path.read_bytes()
    last = None
    for attempt in range(retries):
        try:
            return _get(location, max_bytes=max_bytes, timeout=timeout)
        except FetchError as error:
            last = error
            if getattr(error, "final", False):
                break
        if attempt < retries - 1:
            time.sleep(backoff * 2**attempt)
    raise last


def _get(url: str, *, max_bytes: int, timeout: float) -> bytes:
    try:
        with httpx.stream(
            "GET",
            url,
            timeout=timeout,
            follow_redirects=True,
            headers={"User-Agent": "Kith importer", "Accept": "application/json, */*"},
        ) as response:
            if response.status_code >= 400:
                error = FetchError(f"{url} answered {response.status_code}.")
                error.final = 400 <= response.status_code < 500  # a 404 will not mend itself by retrying
                raise error
            declared = int(response.headers.get("content-length") or 0)
            if declared > max_bytes:
                error = FetchError(f"{url} is larger than {max_bytes // (1024 * 1024)} MB.")
                error.final = True
                raise error
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    error = FetchError(f"{url} sent more than {max_bytes // (1024 * 1024)} MB; stopped reading.")
                    error.final = True
                    raise error
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.TimeoutException:
        raise FetchError(f"{url} did not answer within {timeout:g} seconds.") from None
    except httpx.HTTPError as error:
        raise FetchError(f"{url} could not be reached ({type(error).__name__}).") from None
