"""Full-text search of services behind one interface: SQLite FTS5 or PostgreSQL tsvector.

The index holds one document per service: its name (weighted up) and a body of everything else
people search for (description, organisation, categories, place). Writers call `index_services`
explicitly from services.py; nothing is kept in step by triggers or signals.
"""

import re
from collections.abc import Iterable

import numpy as np
from django.db import connection

MAX_TERMS = 12
_WORD = re.compile(r"\w+", re.UNICODE)

SQLITE_TABLE = "directory_service_fts"
POSTGRES_TABLE = "directory_service_search"
PG_DICTIONARY = "kith_english_stem"
PG_CONFIG = "kith_english"


def query_terms(text: str, limit: int = MAX_TERMS) -> list[str]:
    """The words of a query, lower-cased, without operators or punctuation."""
    return [w.lower() for w in _WORD.findall(text or "")][:limit]


def create_schema(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_TABLE} USING fts5("
            "name, body, tokenize = 'porter unicode61 remove_diacritics 2')"
        )
    elif vendor == "postgresql":
        # English stemming without stop words, as SQLite's porter tokenizer does, so that a search
        # for "before" or "over 50s" finds the same services on both databases.
        schema_editor.execute(
            "DO $$ BEGIN "
            f"IF NOT EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = '{PG_DICTIONARY}') THEN "
            f"CREATE TEXT SEARCH DICTIONARY {PG_DICTIONARY} (TEMPLATE = snowball, Language = english); END IF; "
            f"IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{PG_CONFIG}') THEN "
            f"CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = english); "
            f"ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG} ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, "
            f"word, hword, hword_part WITH {PG_DICTIONARY}; END IF; END $$"
        )
        schema_editor.execute(
            f"CREATE TABLE IF NOT EXISTS {POSTGRES_TABLE} ("
            "service_id bigint PRIMARY KEY REFERENCES directory_service(id) ON DELETE CASCADE "
            "DEFERRABLE INITIALLY DEFERRED, document tsvector NOT NULL, name_document tsvector NOT NULL)"
        )
        for column in ("document", "name_document"):
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {POSTGRES_TABLE}_{column} ON {POSTGRES_TABLE} USING GIN ({column})"
            )
    else:
        raise RuntimeError(f"Kith supports SQLite and PostgreSQL, not {vendor}.")


def drop_schema(schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {SQLITE_TABLE}")
    else:
        schema_editor.execute(f"DROP TABLE IF EXISTS {POSTGRES_TABLE}")
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {PG_CONFIG}")
        schema_editor.execute(f"DROP TEXT SEARCH DICTIONARY IF EXISTS {PG_DICTIONARY}")


def index_documents(documents: Iterable[tuple[int, str, str]]) -> int:
    """Replace the documents of these services: (service_id, name, body)."""
    rows = list(documents)
    if not rows:
        return 0
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for start in range(0, len(rows), 500):
                chunk = rows[start : start + 500]
                marks = ",".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {SQLITE_TABLE} WHERE rowid IN ({marks})", [r[0] for r in chunk])
                cursor.executemany(f"INSERT INTO {SQLITE_TABLE}(rowid, name, body) VALUES (%s, %s, %s)", chunk)
        else:
            cursor.executemany(
                f"INSERT INTO {POSTGRES_TABLE}(service_id, name_document, document) VALUES (%s, "
                f"to_tsvector('{PG_CONFIG}', %s), to_tsvector('{PG_CONFIG}', %s || ' ' || %s)) "
                "ON CONFLICT (service_id) DO UPDATE SET name_document = EXCLUDED.name_document, "
                "document = EXCLUDED.document",
                [(sid, name, name, body) for sid, name, body in rows],
            )
    return len(rows)


def remove_documents(service_ids: Iterable[int]) -> None:
    ids = list(service_ids)
    if not ids:
        return
    table, key = (SQLITE_TABLE, "rowid") if connection.vendor == "sqlite" else (POSTGRES_TABLE, "service_id")
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            cursor.execute(f"DELETE FROM {table} WHERE {key} IN ({','.join(['%s'] * len(chunk))})", chunk)


def clear() -> None:
    table = SQLITE_TABLE if connection.vendor == "sqlite" else POSTGRES_TABLE
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")


NAME_MATCH = 2.0  # every word is in the service's name
BODY_MATCH = 1.0  # every word is somewhere in its document


def match(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Ids of services whose document holds every word of the query, and a text score for each.

    The score is 2 when all the words are in the name and 1 otherwise. Ranking functions such as
    bm25 cost a few microseconds per matching row, which a common word ("walking" matches a third
    of a large directory) turns into tens of milliseconds; this split keeps what matters most to
    people (the name says it) at the cost of two index look-ups.
    """
    terms = query_terms(text)
    if not terms:
        return np.empty(0, dtype=np.int64), np.empty(0)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Each word quoted, so that FTS5 operators in the input (NOT, NEAR, *, ^) are plain words.
            phrase = " ".join('"' + t.replace('"', "") + '"' for t in terms)
            select = f"SELECT group_concat(rowid) FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s"
            cursor.execute(select, [phrase])
            everywhere = cursor.fetchone()[0]
            cursor.execute(select, [f"name : ({phrase})"])
            in_name = cursor.fetchone()[0]
        else:
            words = " ".join(terms)
            cursor.execute(
                f"SELECT string_agg(service_id::text, ',') FROM {POSTGRES_TABLE}"
                f" WHERE document @@ plainto_tsquery('{PG_CONFIG}', %s)",
                [words],
            )
            everywhere = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT string_agg(service_id::text, ',') FROM {POSTGRES_TABLE}"
                f" WHERE name_document @@ plainto_tsquery('{PG_CONFIG}', %s)",
                [words],
            )
            in_name = cursor.fetchone()[0]
    ids, named = _id_list(everywhere), _id_list(in_name)
    scores = np.full(len(ids), BODY_MATCH)
    if len(ids):
        at = np.minimum(np.searchsorted(ids, named), len(ids) - 1)
        scores[at[ids[at] == named]] = NAME_MATCH
    return ids, scores


def _id_list(joined: str | None) -> np.ndarray:
    """Ids joined with commas by the database, ascending: one string, not a Python row per matching listing
    ("walking" matches tens of thousands at England's size)."""
    if not joined:
        return np.empty(0, dtype=np.int64)
    return np.sort(np.fromstring(joined, dtype=np.int64, sep=","))


def _single(word: str) -> tuple[str, str]:
    """The SQL and parameter matching documents that hold one word (in any form the stemmer joins)."""
    if connection.vendor == "sqlite":
        return f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s", '"' + word.replace('"', "") + '"'
    return f"SELECT service_id FROM {POSTGRES_TABLE} WHERE document @@ plainto_tsquery('{PG_CONFIG}', %s)", word


def ids_with(word: str) -> np.ndarray:
    """Ids of services whose document holds this one word."""
    sql, parameter = _single(word)
    with connection.cursor() as cursor:
        cursor.execute(sql, [parameter])
        found = cursor.fetchall()
    return np.fromiter((r[0] for r in found), dtype=np.int64, count=len(found))


def has_word(word: str) -> bool:
    """Whether any service's document holds this word."""
    sql, parameter = _single(word)
    with connection.cursor() as cursor:
        cursor.execute(sql + " LIMIT 1", [parameter])
        return cursor.fetchone() is not None
