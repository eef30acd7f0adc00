"""Writing generated rows fast: PostgreSQL COPY, SQLite executemany, one code path above them.

Rows arrive as tuples in the generator's column order; the writer adds the timestamps and any
column another app added since (with its model default), so the seed keeps working as models
grow.
"""

import contextlib
from collections.abc import Callable, Iterable, Iterator

from django.db import connection, transaction
from django.utils import timezone

from tusoi.core.bulk import BulkTable as _Table
from tusoi.core.bulk import insert_rows
from tusoi.core.models import SeedDeferredIndex
from tusoi.core.seeding.generator import MEMBER_COLUMNS, ORG_COLUMNS, PERIOD_COLUMNS
from tusoi.members.models import Member, MembershipPeriod
from tusoi.orgs.models import Organization, OrgKind


class BulkWriter:
    """Append-only writer for one seed run on the default connection."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.orgs = _Table(Organization, ORG_COLUMNS, ("created_at", "updated_at"))
        self.members = _Table(Member, MEMBER_COLUMNS, ("created_at", "updated_at"))
        self.periods = _Table(MembershipPeriod, PERIOD_COLUMNS, ("recorded_at",))
        self.kind_ids = dict(OrgKind.objects.values_list("code", "id"))
        now = timezone.now()
        self.now = connection.ops.adapt_datetimefield_value(now)

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        """Cheaper durability while seeding; SQLite's setting cannot change inside a
        transaction, so it is only touched outside one (not under the test suite's)."""
        tweak = self.vendor == "sqlite" and not connection.in_atomic_block
        if tweak:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous=OFF")
        try:
            yield
        finally:
            if tweak:
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA synchronous=NORMAL")

    @contextlib.contextmanager
    def indexes_deferred(
        self, enabled: bool, progress: Callable[[str], None] | None = None
    ) -> Iterator[None]:
        """PostgreSQL, large loads: drop the secondary indexes of the member tables (random
        keys such as names make every insert touch a cold page), rebuild them once at the end.
        Their definitions are saved first, so a killed run's next start rebuilds them too."""
        if self.vendor != "postgresql" or connection.in_atomic_block:
            enabled = False
        if enabled:
            self._drop_indexes()
        try:
            yield
        finally:
            if self.vendor == "postgresql" and not connection.in_atomic_block:
                self.rebuild_indexes(progress)

    def _drop_indexes(self) -> None:
        tables = [self.members.table, self.periods.table]
        with transaction.atomic(), connection.cursor() as cursor:
            if SeedDeferredIndex.objects.exists():
                return  # dropped by a run that was killed; rebuilt at the end of this one
            saved = []
            for table in tables:
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                    " WHERE conrelid = %s::regclass AND contype = 'u'",
                    [table],
                )
                saved += [
                    SeedDeferredIndex(table=table, name=n, definition=d, is_constraint=True)
                    for n, d in cursor.fetchall()
                ]
                cursor.execute(
                    "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
                    " JOIN pg_class c ON c.oid = i.indexrelid"
                    " WHERE i.indrelid = %s::regclass AND NOT i.indisprimary"
                    " AND NOT EXISTS (SELECT 1 FROM pg_constraint k"
                    "                 WHERE k.conindid = i.indexrelid)",
                    [table],
                )
                saved += [
                    SeedDeferredIndex(table=table, name=n, definition=d)
                    for n, d in cursor.fetchall()
                ]
            SeedDeferredIndex.objects.bulk_create(saved)
            for item in saved:
                name = connection.ops.quote_name(item.name)
                if item.is_constraint:
                    cursor.execute(f"ALTER TABLE {item.table} DROP CONSTRAINT {name}")
                else:
                    cursor.execute(f"DROP INDEX {name}")

    def rebuild_indexes(self, progress: Callable[[str], None] | None = None) -> None:
        items = list(SeedDeferredIndex.objects.order_by("id"))
        if not items:
            return
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for item in items:
                with transaction.atomic():
                    name = connection.ops.quote_name(item.name)
                    if item.is_constraint:
                        cursor.execute(
                            f"ALTER TABLE {item.table} ADD CONSTRAINT {name} {item.definition}"
                        )
                    else:
                        cursor.execute(item.definition)
                    item.delete()
                if progress:
                    progress(f"rebuilt index {item.name}")
            cursor.execute("RESET maintenance_work_mem")

    def begin_batch(self) -> None:
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")

    def next_ids(self) -> tuple[int, int]:
        with connection.cursor() as cursor:
            out = []
            for table in (self.orgs.table, self.members.table):
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
                out.append(cursor.fetchone()[0])
        return out[0], out[1]

    def write_orgs(self, rows: Iterable[tuple]) -> None:
        kinds = self.kind_ids
        self._write(
            self.orgs,
            ((*r[:3], kinds[r[3]], *r[4:], self.now, self.now) for r in rows),
        )

    def write_members(self, rows: Iterable[tuple]) -> None:
        self._write(self.members, ((*r, self.now, self.now) for r in rows))

    def write_periods(self, rows: Iterable[tuple]) -> None:
        self._write(self.periods, ((*r, self.now) for r in rows))

    def _write(self, table: _Table, rows: Iterable[tuple]) -> None:
        insert_rows(table, rows)

    def end_batch(self) -> None:
        """Explicit keys were written: move PostgreSQL's identity sequences past them."""
        if self.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for table in (self.orgs.table, self.members.table, self.periods.table):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608
                    f" (SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )

    def analyze(self) -> None:
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                tables = ", ".join(t.table for t in (self.orgs, self.members, self.periods))
                cursor.execute(f"ANALYZE {tables}")
            else:
                cursor.execute("ANALYZE")
