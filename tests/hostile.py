"""A hostile feed server on loopback: deep nesting, trickling, and redirects to wherever it is told."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NESTED = b"[" * 200_000 + b"]" * 200_000


class JsonFeed(BaseHTTPRequestHandler):
    """A loopback server's handler that answers JSON and keeps quiet."""

    def _send(self, body, status=200):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Hostile(JsonFeed):
    """Answers as a hostile feed would: the path says how."""

    def do_GET(self):
        if self.path.startswith("/redirect?to="):
            self.send_response(302)
            self.send_header("Location", self.path.split("=", 1)[1])
            self.end_headers()
        elif self.path == "/nested":
            self._send(NESTED)
        elif self.path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.3)
            except OSError:
                pass
        else:
            self._send(b'{"items": [], "total_pages": 1, "page": 1}')


def serve(handler):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
