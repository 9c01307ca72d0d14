"""The directory's job: keeping a built search index in the shared store, so a starting process maps it."""

from kith.core.jobs import job
from kith.directory.search.index import build_to_store


@job("refresh-index", schedule="*/15 * * * *")
def refresh_index() -> str:
    # Each serving process splices small changes in itself (ADR 0021); a fresh build every quarter hour
    # keeps what a starting process maps close to now, and takes in the day's schedule expiries.
    path, built = build_to_store()
    return f"Built the search index into {path.name}." if built else "The search index was up to date."
