"""Imports commit in batches: staff keep working during a large one, and a run that stops part-way resumes.

The reduced form of `make bench`'s import-while-working figure (benchmarks/import_while_working.py): the same
two processes on SQLite, a 4,000-service file instead of 60,000.
"""

import sys
from pathlib import Path

import pytest

from kith.directory.models import Service
from kith.feeds.importers import writer
from tests.feeds.test_importers import import_file, v1_service

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))


def test_no_staff_write_waits_a_second_during_a_large_import():
    import import_while_working

    result = import_while_working.measure(4000)
    assert result["imported"].startswith("Large feed: 4,000 new"), result
    assert result["writes"] >= 20, result  # the member of staff kept writing all through it
    assert result["max_ms"] < 1000, result


@pytest.mark.django_db  # each batch is a savepoint here: the earlier ones stay when a later one fails
def test_a_run_that_stops_part_way_keeps_its_batches_retires_nothing_and_the_next_carries_on(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "COMMIT_EVERY", 2)
    _run, source = import_file(tmp_path, [v1_service(i) for i in range(3)])  # an earlier run listed 0, 1, 2
    original = writer.Writer._write
    calls = {"n": 0}

    def failing(self, records):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return original(self, records)

    monkeypatch.setattr(writer.Writer, "_write", failing)
    feed = [v1_service(i, name=f"Renamed {i}") for i in range(1, 7)]  # 0 dropped; 1, 2 renamed; 3 to 6 new
    run, _ = import_file(tmp_path, feed)
    assert run.status == "failed" and "disk full" in run.error
    assert "4 services were written before it did" in run.error and "nothing was made inactive" in run.error
    listed = Service.objects.filter(source=source.key)
    assert sorted(listed.values_list("name", flat=True)) == [
        "Renamed 1",
        "Renamed 2",
        "Renamed 3",
        "Renamed 4",
        "Service 0",
    ]
    assert listed.get(source_id="svc-0").status == "active"  # retired only when a run gets to its end

    monkeypatch.setattr(writer.Writer, "_write", original)
    again, _ = import_file(tmp_path, feed)
    assert again.status == "done"
    assert (again.counts["unchanged"], again.counts["created"], again.counts["inactivated"]) == (4, 2, 1)
