"""What an operator watches: a request id on every log line, one log line per request, metrics, errors to Sentry.

Logs are JSON lines (python-json-logger) so that journald or a log shipper can search them by field;
a request's id comes from a trusted proxy's X-Request-ID or is made here, and is sent back in the
response so that a person reporting a problem can quote it. The request line is logged without its
query string: people's names can be in a search. Metrics use prometheus_client, in its multiprocess
mode under `kith serve` (each gunicorn worker writes, /metrics adds them up).
"""

import contextvars
import hmac
import logging
import os
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpResponse
from prometheus_client import Counter, Gauge, Histogram

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
log = logging.getLogger("kith.requests")
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter("kith_http_requests_total", "Requests answered", ["view", "method", "status"])
LATENCY = Histogram(
    "kith_http_request_seconds",
    "Time to answer a request",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
OUTBOX = Gauge(
    "kith_outbox_waiting",
    "Emails in the outbox not yet sent (kith send-mail retries them)",
    multiprocess_mode="mostrecent",
)

# A hook (ADR 0019): higher apps add their own readiness checks, by name.
readiness_checks: dict[str, Callable[[], tuple[bool, str]]] = {}


class RequestIdFilter(logging.Filter):
    """Put the current request's id on every log record, and take the request itself off it.

    Django puts the request on its records of 4xx and 5xx answers; a JSON line would then carry the full
    address, with the words someone searched for or a link's secret token.
    """

    def filter(self, record):
        if not getattr(record, "request_id", ""):
            record.request_id = request_id.get()
        record.__dict__.pop("request", None)
        return True


class RequestLogMiddleware:
    """Give each request an id, log it once when answered, and count it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.META.get("HTTP_X_REQUEST_ID", "") if settings.KITH_BEHIND_PROXY else ""
        rid = offered if _SAFE_ID.fullmatch(offered) else uuid.uuid4().hex
        token = request_id.set(rid)
        request.request_id = rid
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        elapsed = time.perf_counter() - started
        response["X-Request-ID"] = rid
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match else "unmatched"
        # The route, not the address: "claims/<str:token>/" says what was asked without the secret in it.
        route = f"/{match.route}" if match else "(no route)"
        # A method anyone can make up ("FOO") is counted as "other": each label value is a series kept forever.
        method = request.method if request.method in KNOWN_METHODS else "other"
        REQUESTS.labels(view, method, str(response.status_code)).inc()
        LATENCY.labels(view).observe(elapsed)
        log.info(
            "%s %s %s",
            method,
            route,
            response.status_code,
            extra={
                "request_id": rid,
                "method": method,
                "route": route,
                "view": view,
                "status": response.status_code,
                "duration_ms": round(elapsed * 1000, 1),
            },
        )
        return response


def readiness() -> tuple[bool, dict[str, str]]:
    """Whether this process can serve: the database answers, and every registered check passes."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return False, {"database": f"not answering: {error.__class__.__name__}"}
    found = {"database": "ok"}
    ready = True
    for name, check in readiness_checks.items():
        ok, detail = check()
        found[name] = detail
        ready &= ok
    return ready, found


def metrics(request):
    """Prometheus metrics, to this machine only (or with KITH_METRICS_TOKEN as a bearer token)."""
    from kith.core.client import client_ip

    token = settings.KITH_METRICS_TOKEN
    given = request.META.get("HTTP_AUTHORIZATION", "")
    local = client_ip(request) in ("127.0.0.1", "::1")
    if not (local or (token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()))):
        return HttpResponse("Metrics are served to this machine, or with the metrics token.\n", status=403)
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
    from prometheus_client import REGISTRY as registry

    from kith.core.mail import waiting

    OUTBOX.set(waiting())
    from kith.core.jobs import update_metrics

    update_metrics()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def init_sentry() -> bool:
    """Send unhandled errors to Sentry when KITH_SENTRY_DSN is set; never people's data.

    The SDK's defaults send no cookies, users or IP addresses; request bodies and local variables are turned off.
    """
    if not settings.KITH_SENTRY_DSN:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=settings.KITH_SENTRY_DSN,
        environment=settings.KITH_SENTRY_ENVIRONMENT,
        integrations=[DjangoIntegration()],
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=0,
        before_send=scrub_event,
    )
    return True


SECRET_HEADERS = {"referer", "cookie", "authorization", "x-forwarded-for", "x-real-ip"}


def scrub_event(event, hint=None):
    """What Sentry would otherwise send of a request: its query string (search words), the page it came from,
    its address (which may hold a link's token); only the route and the method are kept."""
    request = event.get("request")
    if request:
        for key in ("query_string", "data", "cookies", "url", "env"):
            request.pop(key, None)
        headers = request.get("headers") or {}
        request["headers"] = {k: v for k, v in headers.items() if k.lower() not in SECRET_HEADERS}
    extra = event.get("extra")
    if extra:
        extra.pop("request", None)
    return event
