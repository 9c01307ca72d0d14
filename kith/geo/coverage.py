"""The area this Kith covers, in words: `KITH_AREA_NAME`, or what the loaded geography says it is.

Read once per process and forgotten when a geography is loaded: every page names it, and it changes only
with a load (a server started before another process loaded new areas names the old ones until restarted).
"""

from functools import cache

from django.conf import settings

FALLBACK = "the area this Kith covers"


def area_name() -> str:
    """`KITH_AREA_NAME`; else the one combined authority loaded; else the one local authority; else words."""
    return settings.KITH_AREA_NAME or _loaded_name()


@cache
def _loaded_name() -> str:
    from kith.geo.models import Area, AreaLevel

    for level in (AreaLevel.COMBINED_AUTHORITY, AreaLevel.LOCAL_AUTHORITY):
        names = list(Area.objects.filter(level=level).values_list("name", flat=True)[:2])
        if len(names) == 1:
            return names[0]
    return FALLBACK


def forget() -> None:
    """After a geography load: the next page reads the name again."""
    _loaded_name.cache_clear()
