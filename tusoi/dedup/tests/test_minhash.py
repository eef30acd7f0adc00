"""Signatures: estimates close to the exact Jaccard index, containment from set sizes, stable
values across calls and batches, and degenerate texts."""

import random

import numpy as np
import pytest

from tusoi.dedup.minhash import (
    NUM_PERM,
    Signature,
    containment,
    estimate_jaccard,
    lsh_params,
    signature,
    signatures,
    similar_pairs,
)
from tusoi.dedup.normalize import normalize

VOCABULARY = [f"{a}{b}" for a in ("b", "c", "d", "đ", "h", "l", "m", "n", "t", "v") for b in (
    "a", "à", "á", "ả", "ã", "ạ", "ô", "ồ", "ố", "ơ", "ớ", "ư", "ứ", "ê", "ế", "i", "í", "u", "ú"
)]  # fmt: skip


def random_words(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(VOCABULARY) + rng.choice(VOCABULARY) for _ in range(n)]


def exact_jaccard(a: str, b: str) -> float:
    def shingles(text: str) -> set[tuple[str, ...]]:
        w = normalize(text).split()
        return set(zip(w, w[1:], w[2:], strict=False))

    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)


@pytest.mark.parametrize("kept", [0.2, 0.5, 0.8, 0.95])
def test_estimated_jaccard_is_close_to_exact(kept):
    rng = random.Random(int(kept * 100))
    base = random_words(rng, 1000)
    cut = int(len(base) * kept)
    other = base[:cut] + random_words(rng, len(base) - cut)
    a, b = " ".join(base), " ".join(other)
    estimate = estimate_jaccard(signature(a).values, signature(b).values)
    assert abs(estimate - exact_jaccard(a, b)) < 0.1


def test_half_copied_report_has_jaccard_a_third_and_containment_one_half():
    rng = random.Random(3)
    original = random_words(rng, 1200)
    copy = original[:600] + random_words(rng, 600)
    sa, sb = signature(" ".join(original)), signature(" ".join(copy))
    jaccard = estimate_jaccard(sa.values, sb.values)
    assert abs(jaccard - 1 / 3) < 0.08
    assert abs(containment(jaccard, sb.size, sa.size) - 0.5) < 0.08
    assert sb.size == len(set(zip(copy, copy[1:], copy[2:], strict=False)))


def test_copy_in_another_tone_style_and_encoding_scores_one():
    from tusoi.dedup.normalize import to_tcvn3, to_vni

    text = "Về tư tưởng chính trị, tôi giữ gìn sức khỏe, hòa thuận với xóm giềng. " * 20
    new_style = text.replace("khỏe", "khoẻ").replace("hòa", "hoà")
    values = [signature(t).values for t in (text, new_style, to_tcvn3(text), to_vni(text))]
    assert all(estimate_jaccard(values[0], v) == 1.0 for v in values[1:])


def test_batch_and_single_signatures_are_equal_and_stable():
    texts = ["tôi là đảng viên chi bộ", "", "một", "hai từ", "Tôi là đảng viên chi bộ!"]
    sigs, sizes = signatures(texts)
    for i, text in enumerate(texts):
        single = signature(text)
        assert np.array_equal(single.values, sigs[i])
        assert single.size == sizes[i]
    assert np.array_equal(sigs[0], sigs[4])
    assert sizes.tolist() == [4, 0, 1, 1, 4]
    # Stored signatures must stay comparable: the scheme is fixed (see tusoi/dedup/minhash.py).
    again = Signature.from_bytes(signature(texts[0]).to_bytes(), 4)
    assert np.array_equal(again.values, sigs[0])
    assert again.values.dtype == np.uint32 and len(again.values) == NUM_PERM


def test_empty_text_matches_nothing_and_one_repeated_word_is_one_shingle():
    empty, repeated = signature(""), signature("đảng " * 5000)
    assert empty.empty and empty.size == 0
    assert repeated.size == 1
    sigs, _ = signatures(["", "", "đảng " * 50, "đảng " * 80])
    assert similar_pairs(sigs, 0.5) == [(2, 3, 1.0)]


def test_similar_pairs_finds_each_pair_once_at_or_above_threshold():
    rng = random.Random(5)
    base = random_words(rng, 800)
    texts = [
        " ".join(base),
        " ".join(base[:700] + random_words(rng, 100)),
        " ".join(random_words(rng, 800)),
        " ".join(base),
    ]
    sigs, _ = signatures(texts)
    pairs = similar_pairs(sigs, 0.5)
    assert [(i, j) for i, j, _ in pairs] == [(0, 1), (0, 3), (1, 3)]
    assert pairs[1][2] == 1.0 and 0.6 < pairs[0][2] < 0.9


def test_lsh_params_keep_recall_high_at_the_threshold():
    for threshold in (0.3, 0.5, 0.8):
        bands, rows = lsh_params(threshold)
        assert bands * rows <= NUM_PERM
        assert 1 - (1 - threshold**rows) ** bands >= 0.99
    assert lsh_params(0.5) == (42, 3)


def test_signature_values_are_fixed_by_the_documented_scheme():
    # Signatures are stored: a change of hashing must be a deliberate migration, not a surprise.
    sig = signature("Tôi là đảng viên chi bộ khu phố một")
    assert sig.size == 7
    assert sig.values[:6].tolist() == [
        1256828716, 2559022847, 2559022847, 4075890568, 4075890568, 2806976379
    ]  # fmt: skip


def test_worker_processes_give_the_same_signatures():
    rng = random.Random(11)
    texts = [" ".join(random_words(rng, rng.randint(0, 40))) for _ in range(1200)]
    one, one_sizes = signatures(texts)
    two, two_sizes = signatures(texts, jobs=2)
    assert np.array_equal(one, two) and np.array_equal(one_sizes, two_sizes)
