"""Back up the database to one file and restore it: SQLite's `VACUUM INTO` and backup API, or pg_dump/pg_restore.

Both backups are consistent while Kith is serving: `VACUUM INTO` reads one snapshot, pg_dump one transaction.
Restoring replaces everything in the database with the backup's contents; stop `kith serve` and the
worker first (docs/deployment.md).
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.cache import caches
from django.db import connection


class BackupError(Exception):
    """Something an operator can fix: a path, a missing tool, a file that is not a backup."""


def _sqlite_path() -> str:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("an in-memory database cannot be backed up")
    return name


def _postgres_env() -> dict:
    """The database to dump or restore, as libpq's variables: a socket folder as host, TLS and the password
    stay right, and the password is never on a command line."""
    s = connection.settings_dict
    options = s.get("OPTIONS") or {}
    wanted = {
        "PGHOST": s.get("HOST"),
        "PGPORT": s.get("PORT"),
        "PGUSER": s.get("USER"),
        "PGPASSWORD": s.get("PASSWORD"),
        "PGDATABASE": s.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
    }
    return {**os.environ, **{k: str(v) for k, v in wanted.items() if v}}


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} was not found: install PostgreSQL's client programs (postgresql-client)")
    return found


def backup(path: Path) -> Path:
    """Write a backup of the whole database to `path`, which must not exist yet."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists already: choose a new file name, so that no backup is overwritten")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a folder")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(path)])
        return path
    done = subprocess.run(
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(path)],
        capture_output=True,
        text=True,
        env=_postgres_env(),
    )
    if done.returncode:
        path.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    return path


def restore(path: Path) -> None:
    """Replace the database's contents with the backup at `path`."""
    _restore(Path(path))
    # Kept pages are keyed by directory versions, which a restore takes back (ADR 0024).
    caches["pages"].clear()


def _restore(path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    if connection.vendor == "sqlite":
        try:
            source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            source.execute("select count(*) from sqlite_master").fetchone()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} is not a SQLite backup: {error}") from None
        target = sqlite3.connect(_sqlite_path(), timeout=20)
        try:
            source.backup(target)  # page by page, under the database's own locks: WAL and all stay right
        finally:
            source.close()
            target.close()
        connection.close()
        return
    with path.open("rb") as handle:
        if handle.read(5) != b"PGDMP":
            raise BackupError(f"{path} is not a backup made by `kith backup` on PostgreSQL (pg_dump's custom format)")
    connection.close()
    done = subprocess.run(
        [
            *(_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction"),
            *("--dbname", connection.settings_dict["NAME"], str(path)),
        ],
        capture_output=True,
        text=True,
        env=_postgres_env(),
    )
    if done.returncode:
        raise BackupError(f"pg_restore failed (nothing was changed): {done.stderr.strip()}")
