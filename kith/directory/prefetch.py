"""Related rows fetched into plain lists.

Django's default prefetch builds a queryset for every object and relation to hold its rows, which on
a page of thousands of listings costs more than the rows themselves; `to_attr` keeps a list instead.
Code that reads related rows goes through `related()`, which takes the list when it is there and
asks the database otherwise.
"""

from django.db.models import Prefetch

PREFETCHED = "prefetched_"


def prefetch(lookup: str, queryset=None) -> Prefetch:
    return Prefetch(lookup, queryset=queryset, to_attr=PREFETCHED + lookup.rpartition("__")[2])


def related(owner, name: str):
    """The rows prefetched for this relation, or the related manager's rows."""
    fetched = getattr(owner, PREFETCHED + name, None)
    return fetched if fetched is not None else getattr(owner, name).all()
