"""A Kith as a deployer runs it behind a TLS-terminating proxy, and a client that talks to it as one would."""

import re

import httpx
import pytest

from tests.live import kith_serving

FORMULA_CSV = (
    "id,group,activity,description,what_matters,when,venue,address,postcode,cost,phone,email,website,"
    "minimum_age,maximum_age\n"
    'evil-1,"+cmd|\' /C calc\'!A0","=HYPERLINK(""http://evil.example/"",""Formula walk"")",'
    '"@SUM(1+1) a formula walk",active/walking,Tuesdays 10am-11am,"-2+3+cmd|\' /C calc\'!A0",'
    "Rochdale Road,M9 5SH,free,,,,,\n"
)


@pytest.fixture(scope="session")
def kith(tmp_path_factory):
    """`kith serve` with production settings behind a proxy: secure cookies, HSTS, the client in X-Forwarded-For."""
    var = tmp_path_factory.mktemp("kith-attack")
    formulas = var / "formulas.csv"
    formulas.write_text(FORMULA_CSV)
    setup = [
        ["migrate"],
        ["load-geography", "--quiet"],
        ["demo-data", "--seed", "2026", "--services", "300", "--quiet"],
        ["demo-people", "--people", "20"],
        ["import", "csv", str(formulas), "--name", "Formula group", "--quiet"],
        ["collectstatic"],
        ["demo-users", "--codes", "10"],
    ]
    env = {
        "KITH_SECRET_KEY": "attack-suite-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "KITH_BEHIND_PROXY": "1",
        "KITH_CLIENT_IP_HEADER": "X-Forwarded-For",
        "KITH_TRUSTED_PROXY_HOPS": "1",
    }
    with kith_serving(var, env=env, setup=setup) as server:
        yield server


class Visitor:
    """One browser behind the proxy: the proxy says https and appends the visitor's address; cookies are kept
    by hand because they are Secure and the loopback leg is plain HTTP."""

    def __init__(self, server, address: str = "203.0.113.10", forwarded: str | None = None):
        self.server = server
        self.address = address
        self.forwarded = forwarded  # what the client itself wrote into X-Forwarded-For, if anything
        self.cookies: dict[str, str] = {}
        self.set_cookies: list[str] = []  # every Set-Cookie header received, as sent
        self.http = httpx.Client(base_url=server.url, follow_redirects=False, timeout=60)
        self.origin = f"https://127.0.0.1:{server.port}"

    def _headers(self) -> dict:
        chain = f"{self.forwarded}, {self.address}" if self.forwarded else self.address
        headers = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": chain,
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
            "Origin": self.origin,
            "Referer": f"{self.origin}/",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _keep(self, response: httpx.Response) -> httpx.Response:
        for header in response.headers.get_list("set-cookie"):
            self.set_cookies.append(header)
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "expires=Thu, 01 Jan 1970" in header or "Max-Age=0" in header or value in ('""', ""):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response

    def get(self, path: str, **params) -> httpx.Response:
        return self._keep(self.http.get(path, params=params or None, headers=self._headers()))

    def post(self, path: str, data: dict | None = None) -> httpx.Response:
        if "csrftoken" not in self.cookies:
            self.get("/accounts/sign-in/")
        form = {**(data or {}), "csrfmiddlewaretoken": self.cookies["csrftoken"]}
        return self._keep(self.http.post(path, data=form, headers=self._headers()))

    def sign_in(self, username: str, *, code: str | None = None) -> httpx.Response:
        """Password, then the next unused recovery code (or the code given). Returns the code step's answer."""
        details = self.server.sign_ins[username]
        first = self.post("/accounts/sign-in/", {"username": username, "password": details["password"]})
        assert first.status_code == 302, (first.status_code, first.text[:300])
        return self.post("/accounts/sign-in/two-factor/", {"token": code or details["codes"].pop()})


@pytest.fixture
def visitor(kith):
    def make(address: str = "203.0.113.10", forwarded: str | None = None) -> Visitor:
        return Visitor(kith, address, forwarded)

    return make


def secret_on(page: str) -> str:
    return re.search(r'id="totp-secret">([A-Z0-9 ]+)<', page).group(1).replace(" ", "")
