"""A local feed server on loopback: it stands in for remote feeds, so no test reaches the internet."""

import time

import pytest

from tests.hostile import JsonFeed, serve


class Feed(JsonFeed):
    pages: dict = {}
    delay = 0.0

    def do_GET(self):
        time.sleep(self.delay)
        body = self.pages.get(self.path)
        if body is None:
            self._send(b"", 404)
        else:
            self._send(body)


@pytest.fixture
def feed_server(settings):
    server = serve(Feed)
    # Loopback is internal, so the importer refuses it unless the allow-list names this server.
    settings.KITH_IMPORT_ALLOWED_HOSTS = [f"127.0.0.1:{server.server_port}"]
    yield server, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    Feed.pages, Feed.delay = {}, 0.0
