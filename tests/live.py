"""A real Kith for tests that cross the network: a fresh database, `kith` commands, gunicorn on a free port."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parent.parent


def sign_ins(printed: str) -> dict[str, dict]:
    """Username → password, authenticator key and recovery codes, read from what `kith demo-users` prints."""
    found = {}
    for match in re.finditer(r"username (\S+)\s+password (\S+)\n\s+key ([A-Z0-9 ]+?)\s+codes (.+)", printed):
        found[match.group(1)] = {
            "password": match.group(2),
            "key": match.group(3).replace(" ", ""),
            "codes": match.group(4).split(),
        }
    return found


def mail_to(server, address: str, *, at_least: int = 1, timeout: float = 15.0) -> list[str]:
    """The emails to `address` in the server's mail folder, waiting for the worker to send `at_least` of them."""
    deadline = time.monotonic() + timeout
    while True:
        found = []
        if server.mail.exists():
            found = [f.read_text() for f in sorted(server.mail.iterdir()) if f"To: {address}" in f.read_text()]
        if len(found) >= at_least or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_database(url: str):
    """Create a throwaway database on the server DATABASE_URL names; return its URL and a dropper."""
    import psycopg

    name = f"kith_live_{uuid.uuid4().hex[:8]}"
    base, _, _ = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", drop


@contextmanager
def kith_serving(var: Path, *, env: dict, setup: list[list[str]], port: int | None = None, worker: bool = True):
    """Run each `kith` command of `setup`, then `kith serve` (and its job worker) on production settings until
    the block ends."""
    # Production settings: nothing of the test run's own KITH_ settings (insecure cookies, say) leaks in.
    inherited = {
        k: v for k, v in os.environ.items() if not k.startswith("KITH_") or k in ("KITH_REFERENCE_DIR", "KITH_CHROMIUM")
    }
    port = port or free_port()
    env = {
        **inherited,
        "KITH_VAR_DIR": str(var),
        # Email links point at this server, as a deployer's KITH_BASE_URL points at theirs.
        "KITH_BASE_URL": f"http://127.0.0.1:{port}",
        # The server runs on production settings, not the test run's.
        "DJANGO_SETTINGS_MODULE": "kith.config.settings",
        **env,
    }
    env.pop("KITH_DEBUG", None)
    drop = None
    if env.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"], drop = _postgres_database(env["DATABASE_URL"])
    else:
        env.pop("DATABASE_URL", None)
    kith = [sys.executable, "-m", "kith.cli"]
    printed = ""
    try:
        for args in setup:
            done = subprocess.run([*kith, *args], env=env, cwd=REPO, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"kith {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
            printed += done.stdout
        # Its log goes to a file: a pipe nobody reads fills up and stops the server mid-request.
        log = (var / "serve.log").open("wb")
        server = subprocess.Popen(
            [*kith, "serve", "--port", str(port), "--workers", "2", *(["--with-worker"] if worker else [])],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        url = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError((var / "serve.log").read_text(errors="replace")[-5000:]) from None
                time.sleep(0.1)
        try:
            yield SimpleNamespace(
                url=url, port=port, sign_ins=sign_ins(printed), mail=var / "mail", env=env, kith=kith,
                log=var / "serve.log",
            )  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.close()
    finally:
        if drop:
            drop()
