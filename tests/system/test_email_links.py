"""Every link in every email the demo sends starts with the server's own address and opens."""

import email
import re
from email import policy
from urllib.request import Request, urlopen

import pytest

from tests.live import kith_serving

pytestmark = pytest.mark.browser  # a live server, as the browser journeys use
LINK = re.compile(r"https?://[^\s<>\"')]+")


def _bodies(folder) -> list[str]:
    bodies = []
    for path in sorted(folder.iterdir()):
        for raw in path.read_bytes().split(
            b"\n-------------------------------------------------------------------------------\n"
        ):
            if raw.strip():
                message = email.message_from_bytes(raw.strip(), policy=policy.default)
                part = message.get_body(preferencelist=("plain",))
                bodies.append(part.get_content() if part else "")
                bodies.extend(str(v) for k, v in message.items() if k.lower().startswith("list-unsubscribe"))
    return bodies


def test_every_link_in_every_demo_email_opens(tmp_path_factory, chromium_path):
    setup = [
        ["migrate"],
        ["load-geography", "--quiet"],
        ["demo-data", "--seed", "2026", "--services", "300", "--quiet"],
        ["demo-people", "--people", "20"],
        ["collectstatic"],
        ["demo-users"],
        ["demo-locality"],
        ["send-digests"],
        ["remind-editors"],
    ]
    env = {"KITH_SECURE_COOKIES": "0", "KITH_SECRET_KEY": "email-links-secret-key-0123456789-abcdefghijkl"}
    with kith_serving(tmp_path_factory.mktemp("kith-mail"), env=env, setup=setup) as server:
        bodies = _bodies(server.mail)
        links = sorted({link.rstrip(".,;") for body in bodies for link in LINK.findall(body)})
        assert len(bodies) >= 5 and len(links) >= 3, (len(bodies), links)
        wrong, broken = [], []
        for link in links:
            if not link.startswith(server.url + "/"):
                wrong.append(link)
                continue
            response = urlopen(Request(link, headers={"User-Agent": "Kith email link test"}), timeout=30)
            if response.status != 200:
                broken.append((link, response.status))
        assert wrong == [] and broken == [], (wrong, broken)
