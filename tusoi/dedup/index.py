"""The persistent, incremental copy-detection index: signatures by (collection, key), and one
LSH bucket row per band (42 per text) in a table whose primary key (bucket, signature) answers a
query with one index lookup. Adding, replacing or removing a text touches only its own rows:
nothing is ever rebuilt. Works through the ORM on SQLite and PostgreSQL; bulk loads use the
engine's fast path (executemany on SQLite, binary COPY on PostgreSQL).
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection, transaction

from tusoi.dedup.minhash import (
    BANDS,
    NUM_PERM,
    ROWS,
    Signature,
    band_hashes,
    containment,
    mix64,
)
from tusoi.dedup.models import IndexedSignature, LshBucket


@dataclass(frozen=True)
class Match:
    """An indexed text close to the query: estimated Jaccard, the share of the query found in
    it (`containment`) and the share of it found in the query (`contained`)."""

    key: str
    jaccard: float
    containment: float
    contained: float
    size: int


def _collection_seed(collection: str) -> np.uint64:
    digest = hashlib.blake2b(collection.encode(), digest_size=8).digest()
    return np.uint64(int.from_bytes(digest, "little"))


def buckets(collection: str, values: np.ndarray) -> np.ndarray:
    """int64[n, BANDS]: the bucket keys of signatures `values` (uint32[n, 128] or [128])."""
    bands = band_hashes(np.atleast_2d(values), bands=BANDS, rows=ROWS)
    return mix64(bands ^ _collection_seed(collection)).view(np.int64)


def _bucket_rows(collection: str, values: np.ndarray, size: int, pk: int) -> list[LshBucket]:
    if size == 0:
        return []  # an empty text matches nothing
    return [LshBucket(bucket=b, signature_id=pk) for b in buckets(collection, values)[0].tolist()]


def _delete_buckets(entry: IndexedSignature) -> None:
    old = Signature.from_bytes(bytes(entry.signature), entry.size)
    keys = buckets(entry.collection, old.values)[0].tolist()
    LshBucket.objects.filter(bucket__in=keys, signature_id=entry.pk).delete()


@transaction.atomic
def index_add(collection: str, key: str, signature: Signature) -> None:
    """Index `signature` under `key`, replacing what the key had."""
    entry = (
        IndexedSignature.objects.select_for_update().filter(collection=collection, key=key).first()
    )
    if entry is not None:
        _delete_buckets(entry)
        entry.size, entry.signature = signature.size, signature.to_bytes()
        entry.save(update_fields=["size", "signature"])
    else:
        entry = IndexedSignature.objects.create(
            collection=collection, key=key, size=signature.size, signature=signature.to_bytes()
        )
    LshBucket.objects.bulk_create(
        _bucket_rows(collection, signature.values, signature.size, entry.pk)
    )


@transaction.atomic
def index_remove(collection: str, key: str) -> bool:
    """Take `key` out of the index; False when it was not there."""
    entry = IndexedSignature.objects.filter(collection=collection, key=key).first()
    if entry is None:
        return False
    _delete_buckets(entry)
    entry.delete()
    return True


def index_query(
    collection: str,
    signature: Signature,
    *,
    threshold: float = 0.5,
    exclude_key: str | None = None,
    limit: int | None = 20,
) -> list[Match]:
    """Indexed texts whose estimated Jaccard or containment (either direction) with
    `signature` reaches `threshold`, closest first: one query for the candidates."""
    if signature.size == 0:
        return []
    keys = buckets(collection, signature.values)[0].tolist()
    # Only the primary keys decide the plan: with a filter on collection as well, SQLite may
    # walk the collection's whole (collection, key) index instead. The collection and the
    # excluded key are checked here, which also guards against bucket hash collisions.
    rows = IndexedSignature.objects.filter(
        id__in=LshBucket.objects.filter(bucket__in=keys).values("signature_id")
    ).values_list("collection", "key", "size", "signature")
    found = [r[1:] for r in rows if r[0] == collection and r[1] != exclude_key]
    if not found:
        return []
    values = np.frombuffer(b"".join(bytes(r[2]) for r in found), dtype="<u4").reshape(
        len(found), NUM_PERM
    )
    equal = np.count_nonzero(values == signature.values, axis=1) / NUM_PERM
    matches = []
    for (key, size, _sig), jaccard in zip(found, equal.tolist(), strict=True):
        share = containment(jaccard, signature.size, size)
        theirs = containment(jaccard, size, signature.size)
        if max(jaccard, share, theirs) >= threshold:
            matches.append(Match(key, jaccard, share, theirs, size))
    matches.sort(key=lambda m: (-m.jaccard, -m.containment, m.key))
    return matches[:limit] if limit is not None else matches


def index_size(collection: str) -> int:
    return IndexedSignature.objects.filter(collection=collection).count()


def index_bulk_add(
    collection: str, keys: Sequence[str], values: np.ndarray, sizes: np.ndarray
) -> int:
    """Index many new keys at once (a first load, a benchmark) through the engine's fast insert
    path; keys must not be indexed yet. The bucket rows go in sorted by bucket, so the primary-key
    index grows at its end instead of at random places. Returns how many keys were added."""
    quote = connection.ops.quote_name
    table, key_column = quote(IndexedSignature._meta.db_table), quote("key")
    values = np.ascontiguousarray(values, dtype="<u4")
    sizes = np.asarray(sizes)
    ids = np.empty(len(keys), dtype=np.int64)
    chunk = 5000
    for start in range(0, len(keys), chunk):
        part_keys = list(keys[start : start + chunk])
        rows = [
            (collection, k, int(sizes[start + i]), values[start + i].tobytes())
            for i, k in enumerate(part_keys)
        ]
        placeholders = ",".join(["(%s,%s,%s,%s)"] * len(rows))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (collection, {key_column}, size, signature) "  # noqa: S608
                f"VALUES {placeholders} RETURNING id, {key_column}",
                [field for row in rows for field in row],
            )
            ids_by_key = {k: i for i, k in cursor.fetchall()}
        ids[start : start + len(rows)] = [ids_by_key[k] for k in part_keys]
    live = np.flatnonzero(sizes > 0)
    bucket_parts, owner_parts = [], []
    for start in range(0, len(live), 50_000):
        rows_at = live[start : start + 50_000]
        bucket_parts.append(buckets(collection, values[rows_at]).ravel())
        owner_parts.append(np.repeat(ids[rows_at], BANDS))
    if bucket_parts:
        bucket = np.concatenate(bucket_parts)
        owner = np.concatenate(owner_parts)
        order = np.argsort(bucket, kind="stable")
        bucket, owner = bucket[order], owner[order]
        step = 500_000
        for start in range(0, len(bucket), step):
            with transaction.atomic(), connection.cursor() as cursor:
                _insert_buckets(cursor, bucket[start : start + step], owner[start : start + step])
    if connection.vendor == "postgresql":
        # Fresh statistics after a large load: without them the planner expects a million rows
        # per bucket and plans (and JIT-compiles) a parallel scan for every query.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}, {quote(LshBucket._meta.db_table)}")
    return len(keys)


def _insert_buckets(cursor: Any, bucket: np.ndarray, owner: np.ndarray) -> None:
    table = connection.ops.quote_name(LshBucket._meta.db_table)
    if connection.vendor == "postgresql":
        # Binary COPY: per row a field count, then each field's length and big-endian value.
        record = np.dtype([("n", ">i2"), ("l1", ">i4"), ("b", ">i8"), ("l2", ">i4"), ("s", ">i8")])
        data = np.empty(len(bucket), dtype=record)
        data["n"], data["l1"], data["b"], data["l2"], data["s"] = 2, 8, bucket, 8, owner
        header = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8
        statement = f"COPY {table} (bucket, signature_id) FROM STDIN (FORMAT BINARY)"
        with cursor.cursor.copy(statement) as copy:
            copy.write(header + data.tobytes() + b"\xff\xff")
    else:
        cursor.executemany(
            f"INSERT INTO {table} (bucket, signature_id) VALUES (%s, %s)",  # noqa: S608
            list(zip(bucket.tolist(), owner.tolist(), strict=True)),
        )


def index_clear(collection: str) -> int:
    """Remove a whole collection; returns how many texts it held."""
    quote = connection.ops.quote_name
    table, bucket_table = quote(IndexedSignature._meta.db_table), quote(LshBucket._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        count = index_size(collection)
        others = IndexedSignature.objects.exclude(collection=collection).exists()
        if not others:
            # The only collection: emptying both tables is far faster than a filtered delete.
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {bucket_table}, {table}")
            else:
                cursor.execute(f"DELETE FROM {bucket_table}")  # noqa: S608
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        else:
            cursor.execute(
                f"DELETE FROM {bucket_table} WHERE signature_id IN "  # noqa: S608
                f"(SELECT id FROM {table} WHERE collection = %s)",
                [collection],
            )
            IndexedSignature.objects.filter(collection=collection).delete()
    return count
