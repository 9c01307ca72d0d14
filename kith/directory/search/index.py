"""Each process's search index, kept in step with the directory without making anyone wait for a build.

Every write records a DirectoryChange (the services it touched) and moves DirectoryState on. A request
compares the state with its process's index: if they agree, search runs at once; if a few services
changed, their rows are read back and spliced in (delta.py, milliseconds); if much changed (an import,
the taxonomy, a schedule starting or ending), the index is rebuilt on a background thread while
requests go on being served from the last one, which is then swapped for the new one (ADR 0021).
"""

import datetime as dt
import logging
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import F
from django.utils import timezone
from prometheus_client import Gauge

from kith.core.memory import freeze_long_lived, release_freed
from kith.directory.models import DirectoryChange, DirectoryState
from kith.directory.search import build, store
from kith.directory.search.build import build_in_batches, build_index, snapshot
from kith.directory.search.columns import SearchIndex
from kith.directory.search.delta import merged

__all__ = ["SearchIndex", "build_soon", "changes_behind", "current_token", "get_index", "mark_changed", "refresh_now"]

log = logging.getLogger(__name__)

# A change touching more services than this is rebuilt rather than spliced in: splicing reads each
# service's rows with `IN` lists and copies every column once, so beyond a few hundred a build is as quick.
MOST_TO_SPLICE = 500
KEEP_CHANGES_FOR = dt.timedelta(days=1)
# After this many splices a process's columns are mostly its own copy; a new shared build replaces them.
RESHARE_AFTER = 100
RETRY_AFTER_S = 60
# A process needing a new index maps another's build this few changes old and splices them in, not builds.
REUSE_WITHIN = 20


@dataclass(frozen=True)
class State:
    version: int
    token: str


class _Slot:
    """One database's index in this process, and the background build that will replace it, if any."""

    def __init__(self):
        self.index: SearchIndex | None = None
        self.lock = threading.Lock()
        self.building: threading.Thread | None = None
        self.failed_at = float("-inf")

    @classmethod
    def holding(cls, index: SearchIndex) -> "_Slot":
        slot = cls()
        slot.index = index
        return slot


_slots: dict[str, _Slot] = {}
# Per process; /metrics shows the most behind of them (prometheus_client's multiprocess mode).
BEHIND = Gauge(
    "kith_search_index_changes_behind",
    "Directory changes a process's search index had yet to take in when it last answered",
    multiprocess_mode="livemax",
)
_slots_lock = threading.Lock()


def _slot() -> _Slot:
    key = str(connection.settings_dict["NAME"])
    with _slots_lock:
        return _slots.setdefault(key, _Slot())


def current_state() -> State:
    row = DirectoryState.objects.values_list("version", "token").first()
    return State(*row) if row else State(0, "")


def current_token() -> str:
    return current_state().token


def mark_changed(service_ids=None) -> str:
    """Record that these services changed (None: anything may have); every process's index follows."""
    token = uuid.uuid4().hex
    ids = sorted({int(i) for i in service_ids}) if service_ids is not None else None
    if ids is not None and len(ids) > MOST_TO_SPLICE:
        ids = None
    with transaction.atomic():
        # The update takes the row's lock until commit, so the next writer's version commits after this one's.
        updated = DirectoryState.objects.filter(pk=1).update(version=F("version") + 1, token=token)
        if not updated:
            DirectoryState.objects.create(pk=1, version=1, token=token)
        version = DirectoryState.objects.values_list("version", flat=True).get(pk=1)
        DirectoryChange.objects.create(version=version, token=token, services=ids)
        if version % 100 == 0:
            # A process whose index is older than this rebuilds rather than replaying the log.
            DirectoryChange.objects.filter(at__lt=timezone.now() - KEEP_CHANGES_FOR).delete()
    return token


def _today() -> int:
    return build.today().toordinal()


def get_index() -> SearchIndex:
    """This process's index of the directory, as up to date as it can be without waiting for a build."""
    slot = _slot()
    state = current_state()
    index = _current(slot, state)
    BEHIND.set(max(state.version - index.version, 0))
    return index


def _current(slot: _Slot, state: State) -> SearchIndex:
    index = slot.index
    if index is not None and index.token == state.token and _today() <= index.fresh_until:
        if index.spliced >= RESHARE_AFTER and settings.SEARCH_INDEX_BUILDS_IN_BACKGROUND:
            _start_background_build(slot)  # spliced columns are this process's own: map a shared copy again
        return index
    if index is None:
        with slot.lock:
            if slot.index is None:
                slot.index = _build()
                freeze_long_lived()
            return slot.index
    if not slot.lock.acquire(blocking=False):
        return index  # another thread is bringing it up to date: serve what there is
    try:
        return _catch_up(slot, index, state)
    finally:
        slot.lock.release()


def changes_behind() -> int | None:
    """How many directory changes this process's index has yet to take in; None when it has none yet."""
    index = _slot().index
    return None if index is None else max(current_state().version - index.version, 0)


def build_soon() -> bool:
    """Start building this process's first index in the background, unless it has one; True if it has."""
    slot = _slot()
    if slot.index is not None:
        return True
    with _slots_lock:
        if time.monotonic() - slot.failed_at < RETRY_AFTER_S:
            return False  # the last try failed and said why in the log; try again in a while
        if slot.building is None or not slot.building.is_alive():
            slot.building = threading.Thread(target=_first_build, args=(slot,), daemon=True, name="search-index")
            slot.building.start()
    return False


def _first_build(slot: _Slot) -> None:
    with _on_its_own_thread(slot):
        with slot.lock:
            if slot.index is None:
                slot.index = _build()
        freeze_long_lived()


@contextmanager
def _on_its_own_thread(slot: _Slot):
    """A build on a thread of its own: a failure is logged and remembered (to wait before the next try), and
    the thread's database connection is closed."""
    try:
        yield
    except Exception:
        slot.failed_at = time.monotonic()
        log.exception("building the search index failed; still serving the last one, if any")
    finally:
        connections.close_all()


def readiness() -> tuple[bool, str]:
    """Ready when this process has an index; if it has none, one is started so that it soon will."""
    if not build_soon():
        failed = time.monotonic() - _slot().failed_at < RETRY_AFTER_S
        return False, "failing: see the log" if failed else "building"
    behind = changes_behind()
    return True, f"ok: {len(_slot().index):,} rows, {behind} changes behind"


def refresh_now() -> SearchIndex:
    """Bring this process's index up to date, waiting for a build if one is needed (commands, tests)."""
    slot = _slot()
    building = slot.building
    if building is not None:
        building.join()  # before taking the lock, which the build takes to swap its index in
    with slot.lock:
        if slot.index is None:
            slot.index = _build()
        else:
            slot.index = _catch_up(slot, slot.index, current_state(), wait=True)
        return slot.index


def _catch_up(
    slot: _Slot, index: SearchIndex, state: State, wait: bool = False, build_if_needed: bool = True
) -> SearchIndex:
    changed = _changes_since(index, state) if _today() <= index.fresh_until else None
    if changed is not None:
        started = time.perf_counter()
        with snapshot():
            # The part is read in the same snapshot as the state it is labelled with.
            state = current_state()
            changed = _changes_since(index, state)
            if changed is not None:
                part = build_index(state.token, state.version, services=changed, base=index)
                slot.index = merged(index, part, sorted(changed), token=state.token, version=state.version)
                release_freed()  # the columns of the index before last, freed by now
                log.debug("spliced %d services in %.1f ms", len(changed), (time.perf_counter() - started) * 1000)
                return slot.index
    if not build_if_needed:
        return index
    if wait or not settings.SEARCH_INDEX_BUILDS_IN_BACKGROUND:
        slot.index = _build()
        return slot.index
    _start_background_build(slot)
    return index


def _start_background_build(slot: _Slot) -> None:
    with _slots_lock:
        if time.monotonic() - slot.failed_at < RETRY_AFTER_S:
            return  # the last build failed (and said why in the log): serve the last index a while
        if slot.building is None or not slot.building.is_alive():
            slot.building = threading.Thread(
                target=_build_in_background, args=(slot,), daemon=True, name="search-index"
            )
            slot.building.start()


def _changes_since(index: SearchIndex, state: State) -> set[int] | None:
    """The services changed after the index was built, or None if only a build will do."""
    if state.version < index.version or not index.version:
        return None
    rows = list(
        DirectoryChange.objects.filter(version__gte=index.version, version__lte=state.version)
        .order_by("version")
        .values_list("version", "token", "services")
    )
    # The index's own change must still be there, unchanged: else it was rolled back or pruned.
    if not rows or rows[0][:2] != (index.version, index.token) or len(rows) != state.version - index.version + 1:
        return None
    changed: set[int] = set()
    for _, _, services in rows[1:]:
        if services is None:
            return None
        changed.update(services)
        if len(changed) > MOST_TO_SPLICE:
            return None
    return changed


def _build() -> SearchIndex:
    """A whole new index: in this process, or, under `kith serve`, mapped from the files a builder process wrote."""
    if settings.SEARCH_INDEX_BUILDS_IN_BACKGROUND:
        return _shared()
    return _build_here()


def _build_here() -> SearchIndex:
    started = time.perf_counter()
    with snapshot():
        state = current_state()
        index = build_in_batches(state.token, state.version)
    log.info("built the search index of %d rows in %.1f s", len(index), time.perf_counter() - started)
    return index


def _shared() -> SearchIndex:
    state = current_state()
    path = store.find(state.version, state.token)
    if path is None and (newest := store.latest()) is not None:
        # Another process's build from a few writes ago: map it and splice those writes in, rather than build.
        mapped = store.load(newest)
        near = 0 <= state.version - mapped.version <= REUSE_WITHIN
        if near and _changes_since(mapped, state) is not None:
            log.info("mapped the search index of %d rows from %s", len(mapped), newest.name)
            return _catch_up(_Slot.holding(mapped), mapped, state, build_if_needed=False)
    path = path or store.build_elsewhere()
    index = store.load(path)
    log.info("mapped the search index of %d rows from %s", len(index), path.name)
    return index


def build_to_store() -> tuple[Path, bool]:
    """Build the directory's index as it is now and save it for every process to map; (its folder, built?)."""
    with store.building_lock():
        state = current_state()
        found = store.find(state.version, state.token)
        if found:
            return found, False
        return store.save(_build_here()), True


def _build_in_background(slot: _Slot) -> None:
    with _on_its_own_thread(slot):
        index = _build()
        with slot.lock:
            current = slot.index
            # Writes that landed during the build are spliced onto it, so that it is never thrown away as
            # older than the live index (under steady writes, that would start build after build).
            state = current_state()
            if index.token != state.token:
                index = _catch_up(_Slot.holding(index), index, state, wait=False, build_if_needed=False)
            if current is None or index.version >= current.version or current.version > state.version:
                slot.index = index
        freeze_long_lived()
