"""Sign-in rate limits: slow down guessing without letting anyone lock a named worker out.

Only failures count, so a busy office behind one address is never slowed by people signing in
correctly. The password step is limited per address, per (account, address), and by a slow
ceiling per account across all addresses; a browser that has completed sign-in for an account
before is exempt from that ceiling, so an attacker spreading guesses over many addresses cannot
keep the worker out of their own browser. The code step is limited per signed-in account (and per
address): the user is known there, so a raw form field is never the key.
"""

from dataclasses import dataclass

from django.core import signing
from django_ratelimit.core import get_usage

from kith.core.client import client_ip

KNOWN_BROWSER_COOKIE = "kith_known"
KNOWN_BROWSER_SALT = "kith.accounts.known-browser"
KNOWN_BROWSER_DAYS = 90
KNOWN_BROWSER_ACCOUNTS = 10  # a shared office computer remembers this many accounts


@dataclass(frozen=True)
class Limit:
    group: str
    rate: str
    words: str  # what the person is told when it is reached

    def _key(self, value: str):
        return lambda group, request: value

    def reached(self, request, value: str) -> bool:
        usage = get_usage(request, group=self.group, key=self._key(value), rate=self.rate, increment=False)
        return usage is not None and usage["count"] >= usage["limit"]

    def count_failure(self, request, value: str) -> None:
        get_usage(request, group=self.group, key=self._key(value), rate=self.rate, increment=True)


WAIT = "Too many attempts that were not right. Wait ten minutes, then try again."
PASSWORD_BY_ADDRESS = Limit("sign-in:address", "30/10m", WAIT)
PASSWORD_BY_ACCOUNT_AND_ADDRESS = Limit("sign-in:account-address", "10/10m", WAIT)
PASSWORD_BY_ACCOUNT = Limit(
    "sign-in:account",
    "100/h",
    "This account has had too many wrong passwords from many places. Sign in from a browser you have "
    "used for Kith before, or wait an hour.",
)
CODE_BY_ACCOUNT = Limit("two-factor:account", "10/10m", WAIT)
CODE_BY_ADDRESS = Limit("two-factor:address", "30/10m", WAIT)


def known_accounts(request) -> list[str]:
    """Usernames that completed sign-in in this browser within the last 90 days."""
    value = request.COOKIES.get(KNOWN_BROWSER_COOKIE, "")
    try:
        names = signing.loads(value, salt=KNOWN_BROWSER_SALT, max_age=KNOWN_BROWSER_DAYS * 86400)
    except signing.BadSignature:
        return []
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def remember_account(request, response, username: str) -> None:
    names = [username, *[n for n in known_accounts(request) if n != username]][:KNOWN_BROWSER_ACCOUNTS]
    response.set_cookie(
        KNOWN_BROWSER_COOKIE,
        signing.dumps(names, salt=KNOWN_BROWSER_SALT, compress=True),
        max_age=KNOWN_BROWSER_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def password_refusal(request, username: str) -> str | None:
    """Why the password step is refused for this account from here now, or None."""
    address = client_ip(request)
    if PASSWORD_BY_ADDRESS.reached(request, address):
        return PASSWORD_BY_ADDRESS.words
    if PASSWORD_BY_ACCOUNT_AND_ADDRESS.reached(request, f"{username}\n{address}"):
        return PASSWORD_BY_ACCOUNT_AND_ADDRESS.words
    if username not in known_accounts(request) and PASSWORD_BY_ACCOUNT.reached(request, username):
        return PASSWORD_BY_ACCOUNT.words
    return None


def password_failed(request, username: str) -> None:
    address = client_ip(request)
    PASSWORD_BY_ADDRESS.count_failure(request, address)
    PASSWORD_BY_ACCOUNT_AND_ADDRESS.count_failure(request, f"{username}\n{address}")
    PASSWORD_BY_ACCOUNT.count_failure(request, username)


def code_refusal(request) -> str | None:
    if CODE_BY_ACCOUNT.reached(request, str(request.user.pk)):
        return CODE_BY_ACCOUNT.words
    if CODE_BY_ADDRESS.reached(request, client_ip(request)):
        return CODE_BY_ADDRESS.words
    return None


def code_failed(request) -> None:
    CODE_BY_ACCOUNT.count_failure(request, str(request.user.pk))
    CODE_BY_ADDRESS.count_failure(request, client_ip(request))
