"""A local feed server on loopback: it stands in for remote feeds, so no test reaches the internet."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Feed(BaseHTTPRequestHandler):
    pages: dict = {}
    delay = 0.0

    def do_GET(self):
        time.sleep(self.delay)
        body = self.pages.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def feed_server(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Feed)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # Loopback is internal, so the importer refuses it unless the allow-list names this server.
    settings.KITH_IMPORT_ALLOWED_HOSTS = [f"127.0.0.1:{server.server_port}"]
    yield server, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    Feed.pages, Feed.delay = {}, 0.0
