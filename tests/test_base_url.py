"""Every email link starts with the address people use: required, checked at start-up, and the demo's follows PORT."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _start(value: str | None) -> subprocess.CompletedProcess:
    env = {**os.environ, "KITH_SECRET_KEY": "x" * 50}
    env.pop("KITH_BASE_URL", None)
    if value is not None:
        env["KITH_BASE_URL"] = value
    return subprocess.run(
        [sys.executable, "-c", "import kith.config.settings"], env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (None, "KITH_BASE_URL must be set"),
        ("kith.example.org", "must be the address people use"),
        ("ftp://kith.example.org", "must be the address people use"),
        ("https://", "must be the address people use"),
    ],
)
def test_start_up_refuses_a_missing_or_malformed_base_address(value, words):
    result = _start(value)
    assert result.returncode != 0 and words in result.stderr


def test_a_good_base_address_starts():
    assert _start("https://kith.example.org/").returncode == 0


def test_the_demo_base_address_follows_port():
    printed = subprocess.run(
        ["make", "-n", "demo", "PORT=8080"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    serving = [line for line in printed.splitlines() if "kith serve" in line]
    assert serving and all("KITH_BASE_URL=http://127.0.0.1:8080" in line for line in serving)
