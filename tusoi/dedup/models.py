from django.db import models


class IndexedSignature(models.Model):
    """One text's MinHash signature (128 little-endian uint32) in a named collection; a key is
    indexed at most once per collection."""

    collection = models.CharField(max_length=100)
    key = models.CharField(max_length=200)
    size = models.PositiveIntegerField(help_text="distinct word 3-shingles")
    signature = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "key"], name="dedup_signature_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collection}/{self.key}"


class LshBucket(models.Model):
    """One LSH band of one signature: `bucket` hashes the collection, the band number and the
    band's values, so a query is one lookup of 42 keys in the primary-key index."""

    pk = models.CompositePrimaryKey("bucket", "signature")
    bucket = models.BigIntegerField()
    # No database constraint nor index of its own: the index service deletes a signature's
    # buckets through the primary key (bucket, signature) before the signature itself.
    signature = models.ForeignKey(
        IndexedSignature, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False
    )

    def __str__(self) -> str:
        return f"{self.bucket}:{self.signature_id}"
