"""Raw bulk inserts for the seed and the imports: PostgreSQL COPY, SQLite executemany.

Rows are tuples in the order of the columns given; every other column of the table (one that
another app added since) gets its model default, so callers keep working as models grow. No
model instances are built and no signals sent: callers derive every value themselves.
"""

from collections.abc import Iterable, Sequence

from django.db import connection, models


class BulkTable:
    """The columns one bulk insert writes: the given ones, then the rest with their defaults.

    A given name may be a field name ("cell") or a column name ("cell_id"); the primary key is
    left to the database unless "id" is given.
    """

    def __init__(
        self, model: type[models.Model], columns: Sequence[str], stamps: Sequence[str] = ()
    ):
        fields = {f.column: f for f in model._meta.concrete_fields}
        given = [fields[c if c in fields else f"{c}_id"].column for c in columns]
        self.model = model
        self.table = model._meta.db_table
        self.stamps = list(stamps)
        known = set(given) | set(stamps)
        extra = [
            f
            for f in model._meta.concrete_fields
            if f.column not in known and not (f.primary_key and "id" not in given)
        ]
        self.columns = [*given, *self.stamps, *(f.column for f in extra)]
        self.extra_values = tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)


def db_now(now: object) -> object:
    """A timestamp as the raw insert passes it (SQLite wants Django's text form)."""
    return connection.ops.adapt_datetimefield_value(now)


def insert_rows(table: BulkTable, rows: Iterable[tuple]) -> None:
    """Insert `rows` (the given columns, then the stamps) on the default connection, inside
    whatever transaction is open."""
    extra = table.extra_values
    if extra:
        rows = ((*r, *extra) for r in rows)
    cols = ", ".join(table.columns)
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        # psycopg 3: the raw cursor streams rows into COPY without building statements.
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table.table} ({cols}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["?"] * len(table.columns))
        connection.connection.executemany(
            f"INSERT INTO {table.table} ({cols}) VALUES ({marks})",  # noqa: S608
            rows,
        )
