"""The search index as files that every process maps into memory, built once by a process of its own.

`kith serve`'s workers would each build and hold their own copy, and a build's Python objects leave a
process far larger than its index (a 100,000-service build peaks near 400 MB for 11 MB of columns). So a
builder process (`kith build-index`) writes the columns as .npy files and exits; workers map them
read-only, and the operating system keeps one copy in memory for them all (ADR 0021).
"""

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from django.conf import settings

from kith.directory.search import build
from kith.directory.search.columns import SearchIndex, broad_rows_of
from kith.directory.search.delta import ROW_COLUMNS
from kith.directory.search.spelling import Spelling

FORMAT = 2  # 2: each row's stamp (columns.SearchIndex.stamp)
ARRAYS = (*ROW_COLUMNS, "iv_row", "iv_day", "iv_start", "iv_end")
KEEP = 3  # the newest few: a worker still mapping an older one keeps it alive after it is removed


def folder() -> Path:
    return Path(settings.VAR_DIR) / "search-index"


def name_for(version: int, token: str, day: int) -> str:
    """The directory's state and the day it was built on: a schedule that starts or ends makes a new day's."""
    return f"{version:012d}-{token}-{day}-f{FORMAT}"


def save(index: SearchIndex, into: Path | None = None) -> Path:
    """Write the index under its version and token; atomically, so a reader sees all of it or none."""
    into = into or folder()
    into.mkdir(parents=True, exist_ok=True)
    final = into / name_for(index.version, index.token, build.today().toordinal())
    if final.exists():
        return final
    partial = into / f".{final.name}.{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    for name in ARRAYS:
        np.save(partial / f"{name}.npy", np.ascontiguousarray(getattr(index, name)))
    codes = sorted(index.term_rows)
    lengths = [len(index.term_rows[c]) for c in codes]
    flat = np.concatenate([index.term_rows[c] for c in codes]) if codes else np.empty(0, dtype=np.int64)
    np.save(partial / "term_rows.npy", flat.astype(np.int64))
    meta = {
        "format": FORMAT,
        "token": index.token,
        "version": index.version,
        "fresh_until": None if index.fresh_until == float("inf") else index.fresh_until,
        "area_codes": index.area_codes,
        "category_bit": index.category_bit,
        "language_bit": index.language_bit,
        "term_codes": codes,
        "term_lengths": lengths,
        "spelling": list(index.spelling.by_use),
    }
    (partial / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    partial.rename(final)
    _prune(into, keep=final)
    return final


def load(path: Path) -> SearchIndex:
    """Map a saved index: its columns are shared with every other process that maps the same files."""
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    if meta["format"] != FORMAT:
        raise ValueError(f"{path} holds a search index of another format")
    # Plain arrays over the mapped pages: numpy's memmap subclass would wrap every result of every operation.
    columns = {name: np.load(path / f"{name}.npy", mmap_mode="r").view(np.ndarray) for name in ARRAYS}
    flat = np.load(path / "term_rows.npy", mmap_mode="r").view(np.ndarray)
    ends = np.cumsum(meta["term_lengths"], dtype=np.int64)
    spans = zip(meta["term_codes"], meta["term_lengths"], ends, strict=True)
    term_rows = {code: flat[end - length : end] for code, length, end in spans}
    return SearchIndex(
        token=meta["token"],
        version=meta["version"],
        fresh_until=float("inf") if meta["fresh_until"] is None else meta["fresh_until"],
        area_codes=meta["area_codes"],
        area_positions={code: i for i, code in enumerate(meta["area_codes"])},
        category_bit=meta["category_bit"],
        language_bit=meta["language_bit"],
        term_rows=term_rows,
        broad_rows=broad_rows_of(term_rows),
        spelling=Spelling(known=frozenset(meta["spelling"]), by_use=tuple(meta["spelling"])),
        **columns,
    )


def find(version: int, token: str) -> Path | None:
    """The saved index of this state, built today; None if there is none."""
    path = folder() / name_for(version, token, build.today().toordinal())
    return path if (path / "meta.json").is_file() else None


def latest() -> Path | None:
    """The newest index saved today, whatever its state: often only a few splices behind the directory."""
    day = f"-{build.today().toordinal()}-f{FORMAT}"
    saved = [p for p in folder().glob(f"*{day}") if (p / "meta.json").is_file()] if folder().is_dir() else []
    return max(saved, key=lambda p: (p.stat().st_mtime_ns, p.name), default=None)


@contextmanager
def building_lock():
    """One builder at a time for this Kith: the others wait, then find its files."""
    folder().mkdir(parents=True, exist_ok=True)
    with (folder() / "build.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_elsewhere() -> Path:
    """Have a process of its own build the index of the directory as it is now and save it; its folder."""
    # Not one of the server's processes: it must leave no metrics file behind for /metrics to add up.
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    done = subprocess.run(
        [sys.executable, "-m", "kith.cli", "build-index", "--quiet"], capture_output=True, text=True, env=env
    )
    if done.returncode:
        raise RuntimeError(f"kith build-index failed: {done.stderr.strip()[-2000:]}")
    return Path(done.stdout.strip().splitlines()[-1])


def _prune(into: Path, keep: Path | None = None) -> None:
    """Remove all but the newest saved indexes (by when they were written: a restore takes versions back) and
    any half-written one a builder left an hour ago or more."""
    now = time.time()
    saved = [p for p in into.iterdir() if p.is_dir() and not p.name.startswith(".")]
    saved.sort(key=lambda p: (p.stat().st_mtime_ns, p.name))
    for old in saved[:-KEEP]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
    for partial in into.glob(".*"):
        if partial.is_dir() and now - partial.stat().st_mtime > 3600:
            shutil.rmtree(partial, ignore_errors=True)
