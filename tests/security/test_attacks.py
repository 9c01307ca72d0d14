"""The attack suite: a real `kith serve` on production settings behind a proxy, tried as an attacker would.

Each case here was found by trying Kith as an attacker and a busy team; the unit tests beside each
fix say why in detail. These check that the fixes hold on the running server, end to end.
"""

import base64
import csv
import io
import re
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django_otp.oath import totp
from openpyxl import load_workbook

from tests.hostile import Hostile, serve
from tests.live import mail_to
from tests.security.conftest import secret_on

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def test_wrong_codes_on_one_account_never_lock_out_everyone_else(visitor):
    """Ten wrong codes from one account used to make every staff member's right code answer 429."""
    attacker = visitor("203.0.113.66")
    password = attacker.server.sign_ins["demo-planner"]["password"]
    assert attacker.post("/accounts/sign-in/", {"username": "demo-planner", "password": password}).status_code == 302

    def guess():
        return [attacker.post("/accounts/sign-in/two-factor/", {"token": "000000"}).status_code for _ in range(15)]

    with ThreadPoolExecutor(4) as pool:
        guessing = pool.submit(guess)  # while others sign in, and after
        staff = [("demo-linkworker", "198.51.100.1"), ("demo-gp", "198.51.100.2"), ("demo-editor", "203.0.113.66")]
        answers = list(pool.map(lambda u: visitor(u[1]).sign_in(u[0]).status_code, staff))
        guesses = guessing.result()
    assert guesses[-1] == 429 and 500 not in guesses
    assert answers == [302, 302, 302], answers
    late = visitor("198.51.100.9").sign_in("demo-lead")  # after the attacker is limited
    assert late.status_code == 302


def test_password_guessing_is_slowed_for_the_guesser_not_the_worker(visitor, kith):
    attacker = visitor("203.0.113.77")
    for _ in range(10):
        assert attacker.post("/accounts/sign-in/", {"username": "demo-lead", "password": "wrong"}).status_code == 400
    right = kith.sign_ins["demo-lead"]["password"]
    for spelling in ["demo-lead", "demo-lead ", " demo-lead"]:  # spaces do not make a new account
        assert attacker.post("/accounts/sign-in/", {"username": spelling, "password": right}).status_code == 429
    # A spoofed address on the left of the header changes nothing: the proxy's entry on the right counts.
    spoofer = visitor("203.0.113.77", forwarded="198.51.100.50")
    assert spoofer.post("/accounts/sign-in/", {"username": "demo-lead", "password": right}).status_code == 429
    # The worker, at their own address behind the same proxy, signs in.
    assert visitor("198.51.100.3").sign_in("demo-lead").status_code == 302


def test_changing_a_second_factor_needs_the_password_and_a_code_and_is_audited(visitor, kith):
    worker = visitor("198.51.100.4")
    assert worker.sign_in("demo-linkworker").status_code == 302
    assert worker.get("/accounts/security/authenticator/").headers["location"].startswith("/accounts/security/confirm/")
    sneaky = worker.post("/accounts/sign-in/two-factor/setup/", {"token": "123456"})
    assert sneaky.status_code == 302 and sneaky.headers["location"] == "/accounts/security/"
    wrong = worker.post("/accounts/security/confirm/", {"password": "not-it", "token": "000000"})
    assert wrong.status_code == 400
    details = kith.sign_ins["demo-linkworker"]
    confirmed = worker.post(
        "/accounts/security/confirm/",
        {"password": details["password"], "token": details["codes"].pop(), "next": "/accounts/security/authenticator/"},
    )
    assert confirmed.status_code == 302
    page = worker.get("/accounts/security/authenticator/")
    assert page.status_code == 200
    key = base64.b32decode(secret_on(page.text) + "=" * (-len(secret_on(page.text)) % 8))
    done = worker.post("/accounts/security/authenticator/", {"token": f"{totp(key):06d}"})
    assert done.status_code == 200 and "only one now" in done.text
    deadline = time.monotonic() + 15
    while not any("authenticator app was replaced" in m for m in mail_to(kith, "demo-linkworker@example.org")):
        assert time.monotonic() < deadline, "the worker never sent the email saying the authenticator was replaced"
        time.sleep(0.2)
    admin = visitor("198.51.100.5")
    assert admin.sign_in("demo-admin").status_code == 302
    trail = admin.get("/accounts/audit/", action="security", username="demo-linkworker").text
    assert "authenticator" in trail and "198.51.100.4" in trail


def _cells(response) -> list[str]:
    if "spreadsheetml" in response.headers["content-type"]:
        book = load_workbook(io.BytesIO(response.content))
        cells = []
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", cell.value
                    cells.append(cell.value if isinstance(cell.value, str) else "")
        return cells
    return [cell for row in csv.reader(io.StringIO(response.text)) for cell in row]


@pytest.mark.parametrize(
    "url",
    [
        "/search.csv?q=formula+walk&near=M9+5SH",
        "/search.csv?category=active&near=M9+5SH&radius=5",
        "/open-data/gaps.csv",
        "/open-data/gaps.csv?area=E08000003",
        "/insight/funding/E08000003/active/?format=csv",
        "/insight/funding/E08000003/active/?format=xlsx",
    ],
)
def test_no_download_runs_a_formula(visitor, url):
    response = visitor().get(url)
    assert response.status_code == 200
    cells = _cells(response)
    assert cells
    live = [c for c in cells if c.startswith(FORMULA_STARTS) and not re.fullmatch(r"[+-]?\d+(\.\d+)?", c)]
    assert live == []
    if "formula" in url:
        assert any(c.startswith("'=HYPERLINK") for c in cells) and any(c.startswith("'+cmd|") for c in cells)


@pytest.fixture(scope="module")
def hostile():
    server = serve(Hostile)
    yield f"http://127.0.0.1:{server.server_port}", server.server_port
    server.shutdown()


def _import(kith, location, *, allow: str, deadline: str = "120"):
    env = {**kith.env, "KITH_IMPORT_ALLOWED_HOSTS": allow, "KITH_FETCH_DEADLINE_SECONDS": deadline}
    name = f"hostile {uuid.uuid4().hex[:6]}"
    return subprocess.run(
        [*kith.kith, "import", "oruk", location, "--name", name, "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("path", "words", "deadline"),
    [
        ("/nested", "nested too deeply", "120"),
        ("/trickle", "in all", "5"),
        ("/redirect?to=http://127.0.0.1:{kith_port}/healthz", "internal address", "120"),
        ("/redirect?to=http://169.254.169.254/latest/meta-data/", "internal address", "120"),
        ("/redirect?to=http://10.0.0.1/", "internal address", "120"),
        ("/redirect?to=file:///etc/passwd", "does not read", "120"),
    ],
)
def test_a_hostile_feed_is_a_failed_run_with_words(kith, hostile, path, words, deadline):
    base, port = hostile
    done = _import(kith, base + path.format(kith_port=kith.port), allow=f"127.0.0.1:{port}", deadline=deadline)
    assert done.returncode == 1 and "Traceback" not in done.stderr + done.stdout
    assert words in done.stderr, done.stderr


def test_a_harvest_goes_on_past_a_source_that_fails(kith, hostile):
    base, port = hostile
    _import(kith, f"{base}/nested", allow=f"127.0.0.1:{port}")
    # A good feed whose first import failed is due again at the next harvest, beside the nested one.
    assert _import(kith, f"{base}/services", allow="").returncode == 1
    env = {**kith.env, "KITH_IMPORT_ALLOWED_HOSTS": f"127.0.0.1:{port}", "KITH_FETCH_DEADLINE_SECONDS": "5"}
    done = subprocess.run([*kith.kith, "harvest", "--quiet"], env=env, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in done.stdout + done.stderr
    assert re.search(r"Harvested \d+ sources?: 1 done, [1-9]\d* failed", done.stdout), done.stdout
    assert "nested too deeply" in done.stderr


def test_two_people_saving_one_note_at_once_lose_nothing(visitor):
    worker, lead = visitor("198.51.100.6"), visitor("198.51.100.7")
    assert worker.sign_in("demo-linkworker").status_code == 302
    assert lead.sign_in("demo-lead").status_code == 302
    person = re.search(r'href="/people/([0-9a-f-]{36})/"', worker.get("/people/").text).group(1)
    worker.post(f"/people/{person}/notes/", {"text": "Round 0."})
    note = re.search(rf'href="/people/{person}/notes/(\d+)/"', worker.get(f"/people/{person}/").text).group(1)
    url = f"/people/{person}/notes/{note}/"
    lost = []
    for round_ in range(1, 16):
        versions = [re.search(r'name="version" value="(\d+)"', c.get(url).text).group(1) for c in (worker, lead)]
        texts = [f"Round {round_} by the link worker.", f"Round {round_} by the lead."]
        with ThreadPoolExecutor(2) as pool:
            answers = list(
                pool.map(lambda c, t, v: c.post(url, {"text": t, "version": v}), (worker, lead), texts, versions)
            )
        record = worker.get(f"/people/{person}/").text
        for text, answer in zip(texts, answers, strict=True):
            kept = text in record
            told = answer.status_code == 409 and text in answer.text and "not saved" in answer.text
            if not (kept or told):
                lost.append((round_, text, answer.status_code))
    assert lost == []


def test_deployment_checks_pass_on_production_settings(kith):
    done = subprocess.run(
        [*kith.kith, "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=kith.env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_long_addresses_get_words_not_a_bare_server_error(visitor):
    ten_kb = visitor().get("/search/", q="walking " * 1250)
    assert ten_kb.status_code in (200, 400) and "<html" in ten_kb.text
    twenty_kb = visitor().get("/search/", q="walking " * 2500)
    assert twenty_kb.status_code == 414 and "That address is too long" in twenty_kb.text


def test_staff_pages_are_sent_secure_and_never_stored(visitor):
    worker = visitor("198.51.100.8")
    assert worker.sign_in("demo-linkworker").status_code == 302
    assert worker.set_cookies and all("; Secure" in c for c in worker.set_cookies), worker.set_cookies
    assert any(c.startswith("sessionid=") and "HttpOnly" in c for c in worker.set_cookies)
    page = worker.get("/people/")
    assert page.status_code == 200 and "no-store" in page.headers["cache-control"]
    assert "max-age=31536000" in page.headers["strict-transport-security"]
    assert "default-src 'self'" in page.headers["content-security-policy"]
    plain = worker.http.get("/people/", headers={"X-Forwarded-For": "198.51.100.8"})  # no https from the proxy
    assert plain.status_code == 301 and plain.headers["location"].startswith("https://")
