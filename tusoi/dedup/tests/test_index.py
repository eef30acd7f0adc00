"""The persistent index: add, query, replace, remove, collections kept apart, and a new text
that never changes what earlier queries found."""

import random

import pytest

from tusoi.dedup.index import (
    index_add,
    index_bulk_add,
    index_clear,
    index_query,
    index_remove,
    index_size,
)
from tusoi.dedup.minhash import signature, signatures
from tusoi.dedup.models import LshBucket

pytestmark = pytest.mark.django_db

WORDS = [f"{a}{b}" for a in "bcdghklmnstv" for b in ("a", "ơ", "ư", "ê", "ố", "ạ", "i", "ú")]


def text(seed: int, n: int = 400) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(WORDS) + rng.choice(WORDS) for _ in range(n)]


def test_query_finds_a_near_copy_with_jaccard_and_containment():
    original = text(1)
    index_add("campaign:1", "r1", signature(" ".join(original)))
    index_add("campaign:1", "r2", signature(" ".join(text(2))))
    # Three quarters copied: Jaccard 0.6, containment 0.75.
    copy = original[:300] + text(3, 100)
    matches = index_query("campaign:1", signature(" ".join(copy)))
    assert [m.key for m in matches] == ["r1"]
    assert 0.5 < matches[0].jaccard < 0.7
    assert 0.65 < matches[0].containment < 0.85
    assert index_query("campaign:1", signature(" ".join(text(4)))) == []


def test_collections_are_separate_and_exclude_key_skips_the_text_itself():
    sig = signature(" ".join(text(1)))
    index_add("campaign:1", "r1", sig)
    index_add("campaign:2", "r1", sig)
    assert [m.key for m in index_query("campaign:1", sig)] == ["r1"]
    assert index_query("campaign:1", sig, exclude_key="r1") == []
    assert index_query("campaign:3", sig) == []


def test_replacing_a_key_moves_its_buckets():
    first, second = signature(" ".join(text(1))), signature(" ".join(text(2)))
    index_add("c", "r1", first)
    index_add("c", "r1", second)
    assert index_size("c") == 1
    assert LshBucket.objects.count() == 42
    assert index_query("c", first) == []
    assert [m.key for m in index_query("c", second)] == ["r1"]


def test_removing_a_key_removes_its_rows():
    sig = signature(" ".join(text(1)))
    index_add("c", "r1", sig)
    assert index_remove("c", "r1") is True
    assert index_remove("c", "r1") is False
    assert index_query("c", sig) == []
    assert LshBucket.objects.count() == 0


def test_adding_texts_does_not_change_earlier_results():
    base = text(1)
    index_add("c", "r1", signature(" ".join(base)))
    probe = signature(" ".join(base[:350] + text(9, 50)))
    before = index_query("c", probe)
    for i in range(2, 12):
        index_add("c", f"r{i}", signature(" ".join(text(i))))
    assert index_query("c", probe) == before
    assert index_size("c") == 11


def test_empty_text_is_indexed_but_never_matches():
    index_add("c", "blank", signature(""))
    assert index_size("c") == 1
    assert index_query("c", signature("")) == []


def test_bulk_add_finds_the_same_as_one_by_one():
    texts = [" ".join(text(i)) for i in range(20)]
    sigs, sizes = signatures(texts)
    assert index_bulk_add("bulk", [f"k{i}" for i in range(20)], sigs, sizes) == 20
    for i in range(20):
        index_add("single", f"k{i}", signature(texts[i]))
    probe = signature(" ".join(text(7)[:380] + text(99, 20)))
    bulk = index_query("bulk", probe)
    assert [m.key for m in bulk] == ["k7"]
    assert bulk == index_query("single", probe)
    assert index_clear("bulk") == 20
    assert index_size("bulk") == 0 and index_size("single") == 20
