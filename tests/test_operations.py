"""What an operator relies on: request ids in JSON logs, readiness, metrics, errors reported to Sentry."""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import Client

from kith.core import observability
from kith.directory.search import index as index_module

pytestmark = pytest.mark.django_db


def test_every_answer_carries_a_request_id_and_is_logged_once_without_its_query(client, caplog):
    caplog.set_level(logging.INFO, logger="kith.requests")
    response = client.get("/search/", {"q": "Jane Doe lives at 4 Acacia Avenue"})
    rid = response["X-Request-ID"]
    assert len(rid) == 32
    (record,) = [r for r in caplog.records if r.name == "kith.requests"]
    assert record.request_id == rid and record.route == "/search/" and record.status == 200
    assert record.view == "directory:search" and record.duration_ms > 0
    assert "Jane" not in record.getMessage() and "Acacia" not in json.dumps(record.__dict__, default=str)


def test_a_proxys_request_id_is_kept_only_behind_a_proxy_and_only_if_plain(client, settings):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="from-proxy-1")["X-Request-ID"] != "from-proxy-1"
    settings.KITH_BEHIND_PROXY = True
    assert client.get("/healthz", HTTP_X_REQUEST_ID="from-proxy-1")["X-Request-ID"] == "from-proxy-1"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


def test_log_lines_are_json_with_the_request_id():
    from django.conf import settings
    from pythonjsonlogger.json import JsonFormatter

    spec = settings.LOGGING["formatters"]["json"]
    formatter = JsonFormatter(spec["fmt"], rename_fields=spec["rename_fields"])
    record = logging.LogRecord("kith.test", logging.WARNING, __file__, 1, "listing %s stale", ("x",), None)
    token = observability.request_id.set("abc123")
    try:
        observability.RequestIdFilter().filter(record)
    finally:
        observability.request_id.reset(token)
    line = json.loads(formatter.format(record))
    assert line["message"] == "listing x stale" and line["level"] == "WARNING" and line["request_id"] == "abc123"
    assert line["logger"] == "kith.test" and "time" in line


def test_ready_only_once_the_search_index_is_built(client):
    index_module.refresh_now()
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready" and body["checks"]["database"] == "ok"
    assert body["checks"]["search_index"].startswith("ok:")

    slot = index_module._slot()
    slot.index = None  # as a worker that has just started
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["search_index"] == "building"
    slot.building.join(60)
    assert client.get("/readyz").status_code == 200


def test_metrics_count_requests_for_this_machine_only(client, settings):
    client.get("/search/", {"q": "walking"})
    response = client.get("/metrics")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'kith_http_requests_total{method="GET",status="200",view="directory:search"}' in text
    assert "kith_http_request_seconds_bucket" in text and "kith_search_index_changes_behind" in text
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert elsewhere.get("/metrics").status_code == 403
    settings.KITH_METRICS_TOKEN = "a-long-metrics-token-0123456789"
    assert elsewhere.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert elsewhere.get("/metrics", HTTP_AUTHORIZATION="Bearer a-long-metrics-token-0123456789").status_code == 200


class _Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):
        self.received.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_an_error_reaches_sentry_which_is_not_sent_bodies_or_users(settings):
    import gzip

    import sentry_sdk

    server = HTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.KITH_SENTRY_DSN = f"http://publickey@127.0.0.1:{server.server_port}/1"
    try:
        assert observability.init_sentry()
        options = sentry_sdk.get_client().options
        assert options["max_request_body_size"] == "never" and not options.get("send_default_pii")
        assert options["include_local_variables"] is False
        with pytest.raises(ZeroDivisionError):
            try:
                1 / 0  # noqa: B018 - the error an unhandled bug would raise
            except ZeroDivisionError:
                sentry_sdk.capture_exception()
                raise
        sentry_sdk.flush(timeout=10)
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init(dsn=None)
        server.shutdown()
    bodies = []
    for raw in _Collector.received:
        try:
            bodies.append(gzip.decompress(raw).decode())
        except OSError:
            bodies.append(raw.decode(errors="replace"))
    assert any("ZeroDivisionError" in body for body in bodies)


def test_a_links_secret_is_not_logged_and_djangos_request_is_taken_off_records(client, caplog):
    caplog.set_level(logging.INFO)
    client.get("/claims/a-secret-claim-token-1234/")
    logged = [r for r in caplog.records if r.name == "kith.requests"][-1]
    assert logged.route == "/claims/<str:token>/" and "a-secret" not in logged.getMessage()
    warning = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/x",), None)
    warning.request = object()
    observability.RequestIdFilter().filter(warning)
    assert not hasattr(warning, "request")


def test_made_up_methods_are_counted_as_other(client):
    client.generic("BREW", "/healthz")
    text = client.get("/metrics").content.decode()
    assert 'method="other"' in text and "BREW" not in text


@pytest.mark.parametrize(
    ("part", "value"),
    [
        ("query_string", "q=Jane+Doe+4+Acacia+Avenue"),
        ("url", "http://kith.example.org/lists/a-secret-token/"),
        ("cookies", {"sessionid": "abc"}),
        ("data", {"name": "Jane Doe"}),
    ],
)
def test_sentry_events_lose_what_could_name_someone(part, value):
    event = {
        "request": {part: value, "method": "GET", "headers": {"Referer": "http://x/?q=Jane", "User-Agent": "UA"}},
        "extra": {"request": "<WSGIRequest: GET '/search/?q=Jane'>"},
    }
    scrubbed = observability.scrub_event(event)
    assert part not in scrubbed["request"] and "Jane" not in json.dumps(scrubbed)
    assert scrubbed["request"]["method"] == "GET" and scrubbed["request"]["headers"] == {"User-Agent": "UA"}


def test_freed_memory_is_given_back_where_the_c_library_can():
    import platform

    from kith.core import memory

    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        assert memory._LIBC is not None
    memory.release_freed()  # never raises, whatever the platform
