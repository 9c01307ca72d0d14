"""`kith backup` and `kith restore` round-trip every table, on SQLite and on PostgreSQL (whichever the run uses)."""

import hashlib
import os
import sqlite3
import subprocess
import sys

import pytest

from tests.live import REPO, _postgres_database


@pytest.fixture
def kith(tmp_path):
    """Run `kith` commands against a fresh database of the run's kind; yields (run, digest of every table)."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("KITH_") or k == "KITH_REFERENCE_DIR"},
        "KITH_SECRET_KEY": "backup-test-secret-key-0123456789-abcdefghij",
        "KITH_SECURE_COOKIES": "0",
        "KITH_BASE_URL": "http://127.0.0.1:8000",
        "KITH_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "kith.config.settings",
    }
    drop = None
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"], drop = _postgres_database(os.environ["DATABASE_URL"])
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'kith.sqlite3'}"

    def run(*args, ok=True):
        done = subprocess.run(
            [sys.executable, "-m", "kith.cli", *args], env=env, cwd=REPO, capture_output=True, text=True
        )
        if ok:
            assert done.returncode == 0, done.stdout + done.stderr
        return done

    def execute(sql):
        if env["DATABASE_URL"].startswith("sqlite"):
            with sqlite3.connect(tmp_path / "kith.sqlite3") as db:
                db.execute(sql)
        else:
            import psycopg

            with psycopg.connect(env["DATABASE_URL"], autocommit=True) as db:
                db.execute(sql)

    def digest() -> dict[str, tuple[int, str]]:
        if env["DATABASE_URL"].startswith("sqlite"):
            db = sqlite3.connect(tmp_path / "kith.sqlite3")
            names = [r[0] for r in db.execute("select name from sqlite_master where type = 'table'")]
        else:
            import psycopg

            db = psycopg.connect(env["DATABASE_URL"])
            names = [
                r[0]
                for r in db.execute(
                    "select table_name from information_schema.tables"
                    " where table_schema = 'public' and table_type = 'BASE TABLE'"
                )
            ]
        tables = {}
        for name in names:
            rows = sorted(repr(row) for row in db.execute(f'select * from "{name}"'))
            tables[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        db.close()
        return tables

    try:
        yield run, execute, digest
    finally:
        if drop:
            drop()


def test_a_backup_restores_every_table_as_it_was(kith, tmp_path):
    run, execute, digest = kith
    run("migrate")
    run("import", "csv", "docs/examples/activities.csv", "--name", "CSV example", "--quiet")
    run("demo-users", "--codes", "2")
    before = digest()
    assert before["directory_service"][0] > 0 and before["auth_user"][0] > 0
    backup = tmp_path / "kith.backup"
    printed = run("backup", str(backup)).stdout
    assert "Backed up to" in printed and backup.stat().st_size > 0

    # Everything after the backup is lost on restore: a deleted listing comes back, a new user goes.
    execute("delete from directory_attribute")
    run("demo-users", "--codes", "2", "--new-codes")
    assert digest() != before

    refused = run("restore", str(backup), ok=False)  # asks first, and no answer is no
    assert refused.returncode != 0 and digest() != before
    assert "Restored" in run("restore", str(backup), "--yes").stdout
    assert digest() == before


def test_backup_and_restore_refuse_bad_paths_with_words(kith, tmp_path):
    run, _, _ = kith
    run("migrate")
    existing = tmp_path / "taken.backup"
    existing.write_text("not a backup")
    done = run("backup", str(existing), ok=False)
    assert done.returncode == 1 and "exists already" in done.stderr
    done = run("backup", str(tmp_path / "no-such-folder" / "x.backup"), ok=False)
    assert done.returncode == 1 and "is not a folder" in done.stderr
    done = run("restore", str(existing), "--yes", ok=False)
    assert done.returncode == 1 and "is not a" in done.stderr and "Traceback" not in done.stderr
    done = run("restore", str(tmp_path / "missing.backup"), "--yes", ok=False)
    assert done.returncode == 1 and "is not a file" in done.stderr
