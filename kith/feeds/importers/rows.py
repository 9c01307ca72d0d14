"""Insert rows whose ids nobody reads back with one prepared statement per table.

`bulk_create` renders every value of every row into SQL text, which was half the cost of a large
import; for the leaf rows of an import (schedules, costs, phones, addresses, links) a single
parameterised INSERT run with `executemany` does the same work for much less.
"""

from django.db import connection
from django.db.models import (
    AutoField,
    BigAutoField,
    BooleanField,
    CharField,
    ForeignKey,
    IntegerField,
    Model,
    SmallAutoField,
    TextField,
)
from django.db.models.constants import OnConflict

_AUTO = (AutoField, BigAutoField, SmallAutoField)
# Fields whose database value is the Python value itself when that is a plain str, int or bool
# (their get_db_prep_save only converts other types); everything else goes through the field.
_PLAIN_FIELDS = (BooleanField, CharField, ForeignKey, IntegerField, TextField)
_PLAIN_VALUES = (str, int, bool, type(None))


def _converter(field):
    prepare = field.get_db_prep_save
    if type(field) not in _PLAIN_FIELDS and not isinstance(field, ForeignKey):
        return lambda value: prepare(value, connection)
    return lambda value: value if type(value) in _PLAIN_VALUES else prepare(value, connection)


def insert_rows(model: type[Model], rows: list[Model], *, ignore_conflicts: bool = False) -> int:
    """Insert these unsaved instances (defaults and auto_now applied as save() would); return how many were sent."""
    if not rows:
        return 0
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, _AUTO)]
    ops = connection.ops
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    sql = "{} {} ({}) VALUES ({}) {}".format(
        ops.insert_statement(on_conflict=on_conflict),
        ops.quote_name(model._meta.db_table),
        ", ".join(ops.quote_name(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
        ops.on_conflict_suffix_sql(fields, on_conflict, None, None),
    ).strip()
    converters = [(f, _converter(f)) for f in fields]
    values = [[convert(f.pre_save(row, True)) for f, convert in converters] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
    return len(rows)
