"""The search index follows every write without a request waiting for a build (ADR 0021)."""

import dataclasses
import datetime as dt
import logging
import threading

import numpy as np
import pytest

from kith.directory import services
from kith.directory.models import (
    Attribute,
    DirectoryChange,
    Language,
    Location,
    Schedule,
    Service,
    ServiceStatus,
    TaxonomyTerm,
)
from kith.directory.search import build as build_module
from kith.directory.search import index as index_module
from kith.directory.search.build import build_index
from kith.directory.search.delta import ROW_COLUMNS
from kith.directory.search.engine import SearchQuery, search
from kith.directory.search.index import current_state, get_index, mark_changed, refresh_now
from tests.directory.helpers import M9_4DH, add, listing, point_north

pytestmark = pytest.mark.django_db


def rows_of(index):
    """Each row as comparable values: columns, area codes, languages, wants and opening intervals by row."""
    wants = {r: set() for r in range(len(index))}
    for code, rows in index.term_rows.items():
        for r in rows:
            wants[int(r)].add(code)
    intervals = {r: [] for r in range(len(index))}
    for r, d, s, e in zip(index.iv_row, index.iv_day, index.iv_start, index.iv_end, strict=True):
        intervals[int(r)].append((int(d), int(s), int(e)))
    languages = {bit: code for code, bit in index.language_bit.items()}
    out = []
    for r in range(len(index)):
        row = {}
        for name in ROW_COLUMNS:
            if name == "stamp":
                continue  # a splice stamps with its own version, a build with each change's: see test_stamps_*
            value = getattr(index, name)[r]
            if name in ("lsoa", "ward", "local_authority"):
                value = index.area_codes[value] if value >= 0 else None
            elif name == "languages":
                value = {languages[b] for b in range(64) if int(value) >> b & 1}
            elif isinstance(value, float | np.floating) and np.isnan(value):
                value = "nan"
            else:
                value = value.item() if hasattr(value, "item") else value
            row[name] = value
        row["wants"] = wants[r]
        row["intervals"] = sorted(intervals[r])
        out.append(row)
    return out


def assert_same(spliced, built):
    assert len(spliced) == len(built)
    assert list(spliced.service_id) == list(built.service_id)
    for a, b in zip(rows_of(spliced), rows_of(built), strict=True):
        assert a == b
    assert spliced.broad_rows.keys() == built.broad_rows.keys()
    for code in built.broad_rows:
        assert list(spliced.broad_rows[code]) == list(built.broad_rows[code])


def check(service):
    services.record_check(service=service, checked_at=dt.datetime.now(dt.UTC), method="phoned", role="link worker")


def rename_and_retag(service):
    service.name = "Zumba for Beginners Renamed"
    service.save()
    Attribute.objects.filter(link_entity="service", link_id=service.uuid).delete()
    Attribute.objects.create(
        link_entity="service", link_id=service.uuid, taxonomy_term=TaxonomyTerm.objects.get(code="arts/crafts")
    )
    services.services_changed(service_ids=[service.pk])


def close(service):
    service.status = ServiceStatus.INACTIVE
    service.save()
    services.services_changed(service_ids=[service.pk])


def reopen(service):
    close(service)
    service.status = ServiceStatus.ACTIVE
    service.save()
    services.services_changed(service_ids=[service.pk])


def move_its_place(service):
    place = Location.objects.get(service_at_locations__service=service)
    place.latitude, place.longitude = point_north(M9_4DH, 5000)[::-1]
    services.place_locations([place])
    place.save()
    services.services_changed(service_ids=services.services_at_locations([place.pk]))


def change_its_times(service):
    Schedule.objects.filter(service=service).update(byday="SA,SU")
    services.services_changed(service_ids=[service.pk])


def add_a_language(service):
    Language.objects.create(service=service, name="Tigrinya", code="ti")
    services.services_changed(service_ids=[service.pk])


def add_a_listing(service):
    add(listing("Brand New Walking Group", at=point_north(M9_4DH, 700)))


CHANGES = [check, rename_and_retag, close, reopen, move_its_place, change_its_times, add_a_language, add_a_listing]


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__)
def test_a_small_change_is_spliced_in_and_matches_a_full_build(change, caplog):
    (service,) = add(listing("Index Splice Test", at=point_north(M9_4DH, 400), days="TU,TH"))
    before = refresh_now()
    caplog.set_level(logging.DEBUG, logger="kith.directory.search.index")
    caplog.clear()
    change(service)
    after = get_index()
    state = current_state()
    assert after is not before and (after.version, after.token) == (state.version, state.token)
    assert "spliced" in caplog.text and "built the search index" not in caplog.text
    assert_same(after, build_index(state.token, state.version))


def test_several_changes_since_the_index_are_spliced_together(caplog):
    first, second = add(
        listing("Index Splice One", at=point_north(M9_4DH, 300)),
        listing("Index Splice Two", at=point_north(M9_4DH, 600)),
    )
    refresh_now()
    caplog.set_level(logging.DEBUG, logger="kith.directory.search.index")
    caplog.clear()
    check(first)
    close(second)
    change_its_times(first)
    after = get_index()
    assert "spliced 2 services" in caplog.text
    state = current_state()
    assert_same(after, build_index(state.token, state.version))


def stamp_of(index, service) -> set[int]:
    return set(index.stamp[index.service_id == service.pk].tolist())


def test_stamps_move_with_a_listing_and_with_no_other():
    one, two = add(
        listing("Index Stamp One", at=point_north(M9_4DH, 300)),
        listing("Index Stamp Two", at=point_north(M9_4DH, 600)),
    )
    before = refresh_now()
    check(one)
    check(one)
    state = current_state()
    for index in (get_index(), build_index(state.token, state.version)):
        assert stamp_of(index, one) == {state.version}
        assert stamp_of(index, two) == stamp_of(before, two) and max(stamp_of(before, two)) < state.version - 1


def test_stamps_cover_a_change_to_everything_and_a_log_that_forgot():
    (one,) = add(listing("Index Stamp Everything", at=point_north(M9_4DH, 300)))
    refresh_now()
    mark_changed(None)
    everything = current_state().version
    check(one)
    checked = current_state().version
    built = build_index(current_state().token, checked)
    assert set(built.stamp.tolist()) == {everything, checked} and stamp_of(built, one) == {checked}
    # Changes older than the log kept: every row is stamped no earlier than the oldest kept change.
    mark_changed([one.pk + 1_000_000])
    DirectoryChange.objects.filter(version__lte=checked).delete()
    state = current_state()
    assert set(build_index(state.token, state.version).stamp.tolist()) == {state.version - 1}
    DirectoryChange.objects.all().delete()
    assert set(build_index(state.token, state.version).stamp.tolist()) == {state.version}


def test_a_checked_listing_is_searchable_as_checked_at_once():
    (service,) = add(listing("Index Checked Today", at=point_north(M9_4DH, 250), checked_days_ago=None))
    refresh_now()
    check(service)
    hit = next(h for h in search(SearchQuery(words="Index Checked Today", per_page=50)).hits if h.service == service)
    assert hit.last_checked is not None


def test_a_change_to_everything_or_to_many_services_is_a_build(caplog):
    refresh_now()
    caplog.set_level(logging.DEBUG, logger="kith.directory.search.index")
    caplog.clear()
    many = list(Service.objects.values_list("id", flat=True)[: index_module.MOST_TO_SPLICE + 1])
    assert len(many) == index_module.MOST_TO_SPLICE + 1
    mark_changed(many)
    assert DirectoryChange.objects.order_by("-version").first().services is None
    get_index()
    assert "built the search index" in caplog.text


def test_a_rolled_back_change_is_not_mistaken_for_a_later_one():
    from django.db import transaction

    refresh_now()
    with pytest.raises(RuntimeError), transaction.atomic():
        add(listing("Index Ghost Listing", at=point_north(M9_4DH, 100)))
        assert "ghost" in get_index().spelling.known
        raise RuntimeError("roll back")
    # The next write may take the rolled-back one's version (and, on SQLite, its ids): its token differs.
    add(listing("Index Real Listing", at=point_north(M9_4DH, 100)))
    state = current_state()
    after = get_index()
    assert "ghost" not in after.spelling.known
    assert_same(after, build_index(state.token, state.version))


def test_renaming_a_taxonomy_term_reaches_search(administrator):
    term = TaxonomyTerm.objects.get(code="active/walking")
    assert search(SearchQuery(words="perambulations", per_page=5)).total == 0
    response = administrator.post(
        f"/admin/directory/taxonomyterm/{term.pk}/change/",
        {
            "taxonomy": term.taxonomy_id,
            "code": term.code,
            "name": "Perambulations",
            "description": term.description,
            "parent": term.parent_id or "",
            "position": term.position,
            "language": "en",
            "source": term.source,
            "source_id": term.source_id,
            "term_uri": term.term_uri,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "perambulations" in get_index().spelling.known
    found = search(SearchQuery(words="perambulations", per_page=5))
    assert found.total > 0


def test_a_schedule_ending_is_noticed_the_next_day(monkeypatch):
    (service,) = add(listing("Index Ends Today", at=point_north(M9_4DH, 200), days="WE"))
    today = dt.date.today()
    Schedule.objects.filter(service=service).update(valid_to=today)
    services.services_changed(service_ids=[service.pk])
    index = refresh_now()
    row = int(np.flatnonzero(index.service_id == service.pk)[0])
    assert index.days[row] == 1 << 2 and index.fresh_until <= today.toordinal()
    tomorrow = today + dt.timedelta(days=1)
    monkeypatch.setattr(index_module, "_today", lambda: tomorrow.toordinal())
    monkeypatch.setattr(build_module, "today", lambda: tomorrow)
    later = get_index()
    assert later is not index
    row = int(np.flatnonzero(later.service_id == service.pk)[0])
    assert later.days[row] == 0


def test_a_schedule_not_yet_started_is_left_out_until_it_starts(monkeypatch):
    (service,) = add(listing("Index Starts Soon", at=point_north(M9_4DH, 200), days="FR"))
    start = dt.date.today() + dt.timedelta(days=3)
    Schedule.objects.filter(service=service).update(valid_from=start)
    services.services_changed(service_ids=[service.pk])
    index = refresh_now()
    row = int(np.flatnonzero(index.service_id == service.pk)[0])
    assert index.days[row] == 0 and index.fresh_until == start.toordinal() - 1
    monkeypatch.setattr(index_module, "_today", lambda: start.toordinal())
    monkeypatch.setattr(build_module, "today", lambda: start)
    later = get_index()
    row = int(np.flatnonzero(later.service_id == service.pk)[0])
    assert later.days[row] == 1 << 4


def test_a_request_during_a_build_is_served_the_last_index(monkeypatch, settings):
    live = refresh_now()
    settings.SEARCH_INDEX_BUILDS_IN_BACKGROUND = True
    slot = index_module._slot()
    # As if a large import had landed: the live index is behind in a way no splice can mend.
    slot.index = dataclasses.replace(live, token="behind", version=0)
    behind = slot.index
    release, started = threading.Event(), threading.Event()
    real_build = index_module._build_here

    def slow_build():
        started.set()
        assert release.wait(20), "the test never let the build finish"
        return real_build()

    # In this process rather than by `kith build-index`, which would not see the test's database.
    monkeypatch.setattr(index_module, "_shared", slow_build)
    assert get_index() is behind  # returns at once: the build is held back and has not finished
    assert started.wait(10)
    assert get_index() is behind  # still building: still served the last index
    release.set()
    slot.building.join(30)
    assert not slot.building.is_alive()
    assert slot.index is not behind and slot.index.token != "behind"


def test_the_build_reads_one_snapshot():
    """PostgreSQL: one repeatable-read transaction. SQLite: one deferred read transaction, which takes no lock
    that would hold staff writes back (Kith's own transactions begin IMMEDIATE)."""
    from django.db import connection, connections

    seen = []

    def background():  # its own connection, outside any transaction, as a background build runs
        try:
            with build_module.snapshot(), connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SHOW transaction_isolation")
                    seen.append(cursor.fetchone()[0])
                else:
                    cursor.execute("SELECT count(*) FROM directory_service")  # the read that starts the snapshot
                    # In a transaction of SQLite's own (BEGIN DEFERRED), not one of Django's (BEGIN IMMEDIATE).
                    seen.append(connection.connection.in_transaction and not connection.in_atomic_block)
            seen.append(connection.vendor == "postgresql" or not connection.connection.in_transaction)
        finally:
            connections.close_all()

    thread = threading.Thread(target=background)
    thread.start()
    thread.join(30)
    if connection.vendor == "postgresql":
        assert seen == ["repeatable read", True]
    else:
        assert seen == [True, True]


def test_the_change_log_names_the_services_and_is_ordered():
    first = current_state().version
    mark_changed([3, 1, 2, 1])
    mark_changed(None)
    changes = list(DirectoryChange.objects.filter(version__gt=first).order_by("version"))
    assert [c.version for c in changes] == [first + 1, first + 2]
    assert changes[0].services == [1, 2, 3] and changes[1].services is None
    assert current_state() == index_module.State(first + 2, changes[1].token)


def test_the_change_log_forgets_old_changes():
    from django.utils import timezone

    mark_changed([1])
    DirectoryChange.objects.update(at=timezone.now() - index_module.KEEP_CHANGES_FOR - dt.timedelta(hours=1))
    while current_state().version % 100 != 99:
        mark_changed([1])
    old = set(DirectoryChange.objects.values_list("version", flat=True))
    mark_changed([2])
    kept = set(DirectoryChange.objects.values_list("version", flat=True))
    assert len(kept) < len(old) and current_state().version in kept


def test_a_saved_index_maps_back_the_same(tmp_path):
    from kith.directory.search import store

    built = refresh_now()
    path = store.save(built, tmp_path)
    mapped = store.load(path)
    assert_same(mapped, built)
    assert mapped.stamp.tolist() == built.stamp.tolist()
    assert not mapped.lon.flags.writeable and not mapped.lon.flags.owndata  # a read-only view of the mapped file
    assert (mapped.token, mapped.version, mapped.fresh_until) == (built.token, built.version, built.fresh_until)
    assert mapped.spelling == built.spelling and mapped.category_bit == built.category_bit
    assert store.save(built, tmp_path) == path  # the same state is saved once


def test_a_spliced_mapped_index_still_matches_a_full_build(tmp_path):
    from kith.directory.search import store

    (service,) = add(listing("Index Mapped Splice", at=point_north(M9_4DH, 300)))
    mapped = store.load(store.save(refresh_now(), tmp_path))
    index_module._slot().index = mapped
    check(service)
    close(service)
    after = get_index()
    state = current_state()
    assert after.spliced == mapped.spliced + 1
    assert_same(after, build_index(state.token, state.version))


def test_only_the_newest_saved_indexes_are_kept(tmp_path):
    from kith.directory.search import store

    built = refresh_now()
    for version in range(1, 6):
        store.save(dataclasses.replace(built, version=version), tmp_path)
    kept = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert [int(name.split("-")[0]) for name in kept] == [3, 4, 5]


def test_a_saved_index_serves_only_the_day_it_was_built(tmp_path, monkeypatch, settings):
    from kith.directory.search import store

    settings.VAR_DIR = tmp_path
    built = refresh_now()
    path = store.save(built)
    assert store.find(built.version, built.token) == path and store.latest() == path
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    monkeypatch.setattr(build_module, "today", lambda: tomorrow)
    # A schedule may have started or ended overnight: the same state is built again, not mapped.
    assert store.find(built.version, built.token) is None and store.latest() is None


def test_pruning_keeps_what_was_written_last_even_when_versions_go_back(tmp_path):
    """After a restore the directory's versions start again lower: the newest build must survive."""
    import os

    from kith.directory.search import store

    built = refresh_now()
    for version in (500, 501, 502):
        old = store.save(dataclasses.replace(built, version=version), tmp_path)
        os.utime(old, (1_000_000 + version, 1_000_000 + version))
    restored = store.save(dataclasses.replace(built, version=3), tmp_path)
    assert restored.exists() and store.load(restored).version == 3
    assert len([p for p in tmp_path.iterdir() if not p.name.startswith(".")]) == store.KEEP


def test_a_schedule_moved_to_another_service_in_the_admin_changes_both():
    from types import SimpleNamespace

    from django.contrib import admin as django_admin

    first, second = add(
        listing("Index Admin From", at=point_north(M9_4DH, 300), days="MO"),
        listing("Index Admin To", at=point_north(M9_4DH, 600), days=None),
    )
    refresh_now()
    schedule = Schedule.objects.get(service=first)
    schedule.service = second
    model_admin = django_admin.site._registry[Schedule]
    model_admin.save_model(None, schedule, None, change=True)
    model_admin.save_related(None, SimpleNamespace(instance=schedule, save_m2m=lambda: None), [], change=True)
    after = get_index()
    state = current_state()
    assert_same(after, build_index(state.token, state.version))
    rows = {int(s): int(d) for s, d in zip(after.service_id, after.days, strict=True)}
    assert rows[first.pk] == 0 and rows[second.pk] == 1


def test_a_build_in_batches_is_the_same_as_one_in_one_go(monkeypatch):
    first, *_ = add(
        listing("Index Batch One", at=point_north(M9_4DH, 300), days="MO,WE"),
        listing("Index Batch Two", at=point_north(M9_4DH, 700), step_free=True),
        listing("Index Batch Three", at=point_north(M9_4DH, 900), categories=("creative/singing",)),
    )
    Language.objects.create(service=first, name="Tigrinya", code="ti")
    place = Location.objects.get(service_at_locations__service=first)
    Schedule.objects.create(location=place, byday="SA", freq="WEEKLY")
    services.services_changed(service_ids=[first.pk])
    state = current_state()
    whole = build_index(state.token, state.version)
    monkeypatch.setattr(build_module, "BATCH", 7)  # hundreds of batches of the test directory's services
    monkeypatch.setattr(build_module, "MOST_IDS_IN_A_QUERY", 3)
    batched = build_module.build_in_batches(state.token, state.version)
    assert len(whole) > 7 * 10
    assert_same(batched, whole)
    assert batched.stamp.tolist() == whole.stamp.tolist()
    assert batched.spelling == whole.spelling and batched.fresh_until == whole.fresh_until
    assert batched.area_codes == whole.area_codes and batched.category_bit == whole.category_bit
    assert [len(batched.term_rows[c]) for c in sorted(batched.term_rows)] == [
        len(whole.term_rows[c]) for c in sorted(whole.term_rows)
    ]
