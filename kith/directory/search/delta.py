"""Apply a change to a search index without rebuilding it: the changed services' rows are swapped for new ones.

A listing checked, edited or closed touches a handful of rows; reading those few back from the database and
splicing them in costs milliseconds where a build costs seconds (ADR 0021). Pure numpy over two indexes:
the live one and a part built for just the changed services with the live one's codes (areas, languages).
"""

import dataclasses

import numpy as np

from kith.directory.search.columns import SearchIndex, broad_rows_of

# Per-row columns, in the order of SearchIndex's fields; everything else is looked up through them.
ROW_COLUMNS = (
    "service_id",
    "location_id",
    "lon",
    "lat",
    "categories",
    "days",
    "ends_on",
    "free",
    "cost_known",
    "step_free",
    "access_known",
    "min_age",
    "max_age",
    "checked_at",
    "parts",
    "languages",
    "lsoa",
    "ward",
    "local_authority",
    "landmark",
    "stamp",
)


def merged(live: SearchIndex, part: SearchIndex, changed, **labels) -> SearchIndex:
    """`live` with the rows of the `changed` service ids replaced by `part`'s rows (which hold only those).

    Rows stay ordered by (service id, location id), as a build orders them; want rows and opening
    intervals follow their rows. `part` must have been built with `live`'s area and language codes,
    extended if it needed new ones. `labels` (token, version, ...) are set on the result.
    """
    changed = np.unique(np.asarray(changed, dtype=np.int64))
    keep = ~np.isin(live.service_id, changed)
    kept = np.flatnonzero(keep)
    # Where each kept row and each new row lands: merge the two (service, location) orders.
    key_old = (live.service_id[kept], live.location_id[kept])
    key_new = (part.service_id, part.location_id)
    order = np.lexsort((np.concatenate([key_old[1], key_new[1]]), np.concatenate([key_old[0], key_new[0]])))
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    old_to_new = np.full(len(live), -1, dtype=np.int64)
    old_to_new[kept] = position[: len(kept)]
    part_to_new = position[len(kept) :]

    columns = {}
    for name in ROW_COLUMNS:
        column = np.concatenate([getattr(live, name)[kept], getattr(part, name)])
        columns[name] = column[order]

    none = np.empty(0, dtype=np.int64)
    term_rows = {}
    for code in set(live.term_rows) | set(part.term_rows):
        old_rows = old_to_new[live.term_rows.get(code, none)]
        rows = np.concatenate([old_rows[old_rows >= 0], part_to_new[part.term_rows.get(code, none)]])
        if len(rows):
            term_rows[code] = np.sort(rows)

    iv_old = old_to_new[live.iv_row]
    alive = iv_old >= 0
    intervals = {
        "iv_row": np.concatenate([iv_old[alive], part_to_new[part.iv_row]]),
        "iv_day": np.concatenate([live.iv_day[alive], part.iv_day]),
        "iv_start": np.concatenate([live.iv_start[alive], part.iv_start]),
        "iv_end": np.concatenate([live.iv_end[alive], part.iv_end]),
    }
    return dataclasses.replace(
        live,
        **columns,
        **intervals,
        term_rows=term_rows,
        broad_rows=broad_rows_of(term_rows),
        area_codes=part.area_codes,
        area_positions=part.area_positions,
        language_bit=part.language_bit,
        spelling=live.spelling.joined(part.spelling),
        fresh_until=min(live.fresh_until, part.fresh_until),
        spliced=live.spliced + 1,
        word_scores={},
        **labels,
    )
