"""Settings come from the environment, fail loudly, and are all documented."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from kith.config import env

REPO = Path(__file__).resolve().parent.parent
READ = re.compile(r'(?:env_(?:str|bool|int|list|choice)\(\s*|os\.environ(?:\.get)?\(?\[?|_flag\()"([A-Z][A-Z0-9_]+)"')


def _variables_read() -> set[str]:
    names = set()
    for folder in ["kith", "tests", "benchmarks"]:
        for path in (REPO / folder).rglob("*.py"):
            names.update(READ.findall(path.read_text(encoding="utf-8")))
    # KITH_TEST_* are placeholders these tests set for themselves.
    return {n for n in names if not n.startswith("KITH_TEST_")} - {"DJANGO_SETTINGS_MODULE"}


def test_every_environment_variable_is_documented():
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)`", (REPO / "docs/configuration.md").read_text(), re.M))
    read = _variables_read()
    assert {"KITH_SECRET_KEY", "DATABASE_URL", "KITH_REQUIRE_BROWSER"} <= read  # the scan finds them
    assert read - documented == set(), "document these in docs/configuration.md"
    assert documented - read == set(), "docs/configuration.md lists variables nothing reads"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("true", True), ("YES", True), ("on", True), ("0", False), ("false", False), ("", False)],
)
def test_env_bool_reads_yes_and_no(monkeypatch, value, expected):
    monkeypatch.setenv("KITH_TEST_FLAG", value)
    assert env.env_bool("KITH_TEST_FLAG") is expected


@pytest.mark.parametrize(
    ("helper", "args", "value", "message"),
    [
        (env.env_bool, (), "maybe", "not a yes/no value"),
        (env.env_int, (5,), "five", "not a whole number"),
        (env.env_int, (5,), "-1", "outside 0..10"),
        (env.env_choice, (("A", "B"), "A"), "C", "must be one of: A, B"),
    ],
)
def test_env_helpers_fail_loudly(monkeypatch, helper, args, value, message):
    monkeypatch.setenv("KITH_TEST_VALUE", value)
    kwargs = {"minimum": 0, "maximum": 10} if helper is env.env_int else {}
    with pytest.raises(ImproperlyConfigured, match=message):
        helper("KITH_TEST_VALUE", *args, **kwargs)


def test_env_list_and_required(monkeypatch):
    monkeypatch.setenv("KITH_TEST_LIST", " a.example , b.example ,")
    assert env.env_list("KITH_TEST_LIST") == ["a.example", "b.example"]
    monkeypatch.delenv("KITH_TEST_MISSING", raising=False)
    with pytest.raises(ImproperlyConfigured, match="KITH_TEST_MISSING must be set"):
        env.env_str("KITH_TEST_MISSING", required=True)


def _import_settings(**overrides) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KITH_") and k != "DATABASE_URL"}
    environment.update(overrides, DJANGO_SETTINGS_MODULE="kith.config.settings")
    return subprocess.run(
        [sys.executable, "-c", "import kith.config.settings"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({}, "KITH_SECRET_KEY must be set"),
        ({"KITH_SECRET_KEY": "short"}, "at least 32 characters"),
        ({"KITH_SECRET_KEY": "x" * 40, "KITH_DEBUG": "perhaps"}, "KITH_DEBUG='perhaps' is not a yes/no value"),
        ({"KITH_SECRET_KEY": "x" * 40, "DATABASE_URL": "mysql://db/kith"}, "postgres:// or sqlite://"),
    ],
)
def test_settings_refuse_to_start_with_bad_values(overrides, message):
    result = _import_settings(**overrides)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_pass_the_deploy_check(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KITH_")}
    environment.update(
        KITH_SECRET_KEY="a-long-random-production-secret-" + "q7Zp" * 10,
        KITH_BASE_URL="https://kith.example.org",
        KITH_ALLOWED_HOSTS="kith.example.org",
        KITH_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="kith.config.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_database_is_sqlite_in_wal_mode_or_postgresql_from_the_url(db):
    from django.db import connection

    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert connection.vendor == "postgresql"
        return
    assert connection.vendor == "sqlite"
    options = connection.settings_dict["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] == 20
    assert "journal_mode=WAL" in options["init_command"]


def test_the_favicon_address_browsers_ask_for_leads_to_the_icon(client):
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("/favicon.ico")
    assert finders.find(response["Location"].removeprefix("/static/"))  # built by `make assets`


def test_a_secret_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file-0123456789-abcdefghijklmnop\n")
    monkeypatch.delenv("KITH_TEST_SECRET", raising=False)
    monkeypatch.setenv("KITH_TEST_SECRET_FILE", str(secret))
    assert env.env_str("KITH_TEST_SECRET") == "from-a-file-0123456789-abcdefghijklmnop"
    monkeypatch.setenv("KITH_TEST_SECRET", "also-set")
    with pytest.raises(ImproperlyConfigured, match="not both"):
        env.env_str("KITH_TEST_SECRET")
    monkeypatch.delenv("KITH_TEST_SECRET")
    monkeypatch.setenv("KITH_TEST_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env.env_str("KITH_TEST_SECRET")


def test_settings_come_from_a_env_file_and_the_environment_wins(tmp_path):
    (tmp_path / ".env").write_text(
        "KITH_SECRET_KEY=from-the-env-file-0123456789-abcdefghijkl\nKITH_SITE_NAME=Kith Bolton\n"
        "KITH_BASE_URL=https://kith.example.org\nKITH_ALLOWED_HOSTS=kith.example.org\n"
    )
    env_vars = {k: v for k, v in os.environ.items() if not k.startswith("KITH_") and k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "import django; from django.conf import settings; django.setup();"
        "print(settings.SECRET_KEY, settings.KITH_SITE_NAME, settings.KITH_BASE_URL)"
    )
    common = {**env_vars, "DJANGO_SETTINGS_MODULE": "kith.config.settings", "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env={**common, "KITH_SITE_NAME": "Kith Wigan"},
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.stdout.split() == [
        "from-the-env-file-0123456789-abcdefghijkl",
        "Kith",
        "Wigan",
        "https://kith.example.org",
    ], done.stderr
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env={**common, "KITH_ENV_FILE": str(tmp_path / "nope")},
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode != 0 and "KITH_ENV_FILE" in done.stderr and "is not a file" in done.stderr


def test_the_example_env_file_names_only_documented_settings_and_starts():
    example = (REPO / ".env.example").read_text()
    named = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.M))
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)`", (REPO / "docs/configuration.md").read_text(), re.M))
    files = {n.removesuffix("_FILE") for n in named if n.endswith("_FILE")}
    assert named - documented - {f"{n}_FILE" for n in files} == set()
    assert files <= documented and {"KITH_BASE_URL", "DATABASE_URL", "KITH_SECRET_KEY"} <= named
    env_vars = {k: v for k, v in os.environ.items() if not k.startswith("KITH_") and k != "DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "ERROR"],
        env={
            **env_vars,
            "DJANGO_SETTINGS_MODULE": "kith.config.settings",
            "KITH_ENV_FILE": str(REPO / ".env.example"),
            "KITH_SECRET_KEY": "example-check-secret-key-0123456789-abcdefghijklmnop",
            "PYTHONPATH": str(REPO),
        },
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
