"""The directory's job: keeping a built search index in the shared store, so a starting process maps it."""

from kith.core.jobs import job
from kith.directory.search import store
from kith.directory.search.index import current_state


@job("refresh-index", schedule="*/15 * * * *")
def refresh_index() -> str:
    # Each serving process splices small changes in itself (ADR 0021); a fresh build every quarter hour
    # keeps what a starting process maps close to now, and takes in the day's schedule expiries.
    state = current_state()
    if store.find(state.version, state.token):
        return "The search index was up to date."
    # In a process of its own, as `kith serve` builds: the build's memory peak ends with it, not the worker.
    return f"Built the search index into {store.build_elsewhere().name}."
