"""MinHash signatures of word 3-shingles, their estimates, and LSH banding, vectorised in numpy.

The scheme, fixed because signatures are stored and compared across processes and years:

- Words are the `normalize`d words. A word's hash is the polynomial hash of its UTF-8 bytes,
  sum(byte[i] * P**i) mod 2**64, computed for a whole batch of documents at once from prefix sums
  (and the inverse powers of the odd P), then mixed with the splitmix64 finaliser.
- A shingle is three consecutive words of one document (a document of one or two words is one
  shingle); its hash is mix(K1*w1 + K2*w2 + K3*w3 mod 2**64).
- The signature is one-permutation hashing: the top 7 bits of a shingle hash choose one of 128
  bins, bits 25..56 are the value, each bin keeps its minimum. Empty bins (short texts) borrow
  the value of the first non-empty bin along a fixed pseudo-random probe sequence ("optimal
  densification", Shrivastava 2017), so equal bins still estimate the Jaccard index.
- Estimated Jaccard = share of equal bins. The set size (distinct shingles) is kept beside the
  signature; containment of A in B = |A∩B|/|A| with |A∩B| = J(|A|+|B|)/(1+J).
- LSH: 42 bands of 3 values (126 of the 128): a pair at Jaccard 0.5 shares a band with
  probability 1-(1-0.5**3)**42 ≈ 0.996, at 0.3 with ≈ 0.68, at 0.1 with ≈ 0.04; every candidate
  is then checked against the threshold with its estimate.
"""

import multiprocessing as mp
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from tusoi.dedup.normalize import fold_words, normalize, unified_tokens

NUM_PERM = 128
BANDS = 42
ROWS = 3
EMPTY = np.uint32(0xFFFFFFFF)
_MASK64 = (1 << 64) - 1
_P = 0x100000001B3  # FNV prime: odd, so invertible modulo 2**64
_P_INV = pow(_P, -1, 1 << 64)
_K1 = np.uint64(0x9E3779B97F4A7C15)
_K2 = np.uint64(0xC2B2AE3D27D4EB4F)
_K3 = np.uint64(0x165667B19E3779F9)
_BATCH_BYTES = 4_000_000

_powers = np.ones(1, dtype=np.uint64)
_inverse_powers = np.ones(1, dtype=np.uint64)


def _ensure_powers(n: int) -> None:
    global _powers, _inverse_powers
    if len(_powers) > n:
        return
    size = max(n + 1, 2 * len(_powers), 1 << 16)
    with np.errstate(over="ignore"):
        p = np.full(size, _P, dtype=np.uint64)
        p[0] = 1
        q = np.full(size, _P_INV, dtype=np.uint64)
        q[0] = 1
        _powers, _inverse_powers = np.cumprod(p), np.cumprod(q)


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, elementwise on uint64 (wrapping arithmetic)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _probe_table() -> np.ndarray:
    """For each bin, the order in which it borrows from other bins when empty."""
    rng = np.random.Generator(np.random.PCG64(20240521))
    return np.stack([rng.permutation(NUM_PERM) for _ in range(NUM_PERM)]).astype(np.intp)


_PROBES = _probe_table()


@dataclass(frozen=True)
class Signature:
    """128 MinHash values (uint32) and the number of distinct shingles they summarise."""

    values: np.ndarray
    size: int

    def to_bytes(self) -> bytes:
        return self.values.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, size: int) -> "Signature":
        return cls(np.frombuffer(data, dtype="<u4").astype(np.uint32), size)

    @property
    def empty(self) -> bool:
        return self.size == 0


def _polynomial_hashes(words: list[str]) -> np.ndarray:
    """mix64 of each word's polynomial hash: sum(byte[i] * P**i) mod 2**64 over its UTF-8."""
    if not words:
        return np.empty(0, dtype=np.uint64)
    blob = " ".join(words).encode()
    data = np.frombuffer(blob, dtype=np.uint8)
    n = len(data)
    _ensure_powers(n + 1)
    prefix = np.empty(n + 1, dtype=np.uint64)
    prefix[0] = 0
    np.cumsum(data.astype(np.uint64) * _powers[:n], out=prefix[1:])
    seps = np.flatnonzero(data == 32)
    starts = np.concatenate(([0], seps + 1))
    ends = np.concatenate((seps, [n]))
    return mix64((prefix[ends] - prefix[starts]) * _inverse_powers[starts])


def _batch_shingles(texts: Sequence[str], *, unified: bool) -> tuple[np.ndarray, np.ndarray]:
    """(shingle hashes, document index of each) for texts, documents in order.

    Only NFC and the legacy-font check run on whole texts (skipped when `unified`); the texts
    are split at whitespace and each distinct token of the batch is folded (case, punctuation,
    tones) and hashed once, which gives the words of `normalize` at a fraction of the cost."""
    tokens: defaultdict[str, int] = defaultdict()
    tokens.default_factory = tokens.__len__
    number = tokens.__getitem__
    ids: list[int] = []
    counts = np.empty(len(texts), dtype=np.intp)
    for i, text in enumerate(texts):
        parts = text.split() if unified else unified_tokens(text)
        counts[i] = len(parts)
        ids.extend(map(number, parts))
    # Each token folds to zero words ("–"), one (almost all) or several ("1/2", "a.b").
    words: defaultdict[str, int] = defaultdict()
    words.default_factory = words.__len__
    folded = [fold_words(token).split() for token in tokens]
    per_token = np.fromiter(map(len, folded), dtype=np.intp, count=len(folded))
    flat = np.fromiter(
        (words[w] for group in folded for w in group), dtype=np.intp, count=int(per_token.sum())
    )
    first_of_token = np.cumsum(per_token) - per_token
    stream = np.array(ids, dtype=np.intp)
    widths = per_token[stream]
    total = int(widths.sum())
    offsets = np.arange(total) - np.repeat(np.cumsum(widths) - widths, widths)
    word_ids = flat[np.repeat(first_of_token[stream], widths) + offsets]
    word = _polynomial_hashes(list(words))[word_ids]
    token_doc = np.repeat(np.arange(len(texts)), counts)
    lengths = np.bincount(token_doc, weights=widths, minlength=len(texts)).astype(np.intp)
    doc = np.repeat(np.arange(len(texts)), lengths)
    if len(word) >= 3:
        three = mix64(word[:-2] * _K1 + word[1:-1] * _K2 + word[2:] * _K3)
        valid = doc[:-2] == doc[2:]
        hashes, owners = three[valid], doc[:-2][valid]
    else:
        hashes, owners = np.empty(0, np.uint64), np.empty(0, np.intp)
    # Documents of one or two words: one shingle of what they have.
    short = np.flatnonzero((lengths > 0) & (lengths < 3))
    if len(short):
        first = np.cumsum(lengths)[short] - lengths[short]
        second = np.where(lengths[short] == 2, word[np.minimum(first + 1, len(word) - 1)], 0)
        extra = mix64(word[first] * _K1 + second.astype(np.uint64) * _K2)
        hashes = np.concatenate((hashes, extra))
        owners = np.concatenate((owners, short))
    return hashes, owners


def _one_permutation(hashes: np.ndarray, owners: np.ndarray, docs: int) -> np.ndarray:
    bins = (hashes >> np.uint64(57)).astype(np.intp)
    values = ((hashes >> np.uint64(25)) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    flat = np.full(docs * NUM_PERM, EMPTY, dtype=np.uint32)
    np.minimum.at(flat, owners * NUM_PERM + bins, values)
    sigs = flat.reshape(docs, NUM_PERM)
    holes = np.flatnonzero((sigs == EMPTY).any(axis=1) & (sigs != EMPTY).any(axis=1))
    for row in holes:
        sig = sigs[row]
        filled = sig != EMPTY
        for b in np.flatnonzero(~filled):
            probes = _PROBES[b]
            sig[b] = sig[probes[np.argmax(filled[probes])]]
    return sigs


def _distinct_counts(hashes: np.ndarray, owners: np.ndarray, docs: int) -> np.ndarray:
    # 20 bits of document and 44 of hash: a false merge needs two of a document's shingles to
    # agree on 44 bits (about 1 in 10**7 for a 1,000-shingle report).
    keys = np.sort((owners.astype(np.uint64) << np.uint64(44)) | (hashes >> np.uint64(20)))
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return np.bincount((keys[first] >> np.uint64(44)).astype(np.intp), minlength=docs)


def _signatures(
    texts: Sequence[str], *, sizes: bool, unified: bool
) -> tuple[np.ndarray, np.ndarray]:
    docs = len(texts)
    sigs = np.empty((docs, NUM_PERM), dtype=np.uint32)
    counts = np.zeros(docs, dtype=np.int64)
    start = 0
    while start < docs:
        stop, budget = start, 0
        while stop < docs and (budget < _BATCH_BYTES or stop == start) and stop - start < 1 << 19:
            budget += len(texts[stop]) + 1
            stop += 1
        hashes, owners = _batch_shingles(texts[start:stop], unified=unified)
        sigs[start:stop] = _one_permutation(hashes, owners, stop - start)
        if sizes:
            counts[start:stop] = _distinct_counts(hashes, owners, stop - start)
        else:
            counts[start:stop] = np.bincount(owners, minlength=stop - start) > 0
        start = stop
    return sigs, counts


def signatures_of_normalised(
    normalised: Sequence[str], *, sizes: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """(signatures uint32[n, 128], distinct shingle counts int64[n]) of `normalize`d texts.

    Without `sizes` the counts are only 0 (empty text) or 1, which saves a sort."""
    return _signatures(normalised, sizes=sizes, unified=True)


_pending: Sequence[str] = ()


def _signatures_of_slice(bounds: tuple[int, int, bool]) -> tuple[np.ndarray, np.ndarray]:
    start, stop, sizes = bounds
    return _signatures(_pending[start:stop], sizes=sizes, unified=False)


def signatures(
    texts: Iterable[str], *, sizes: bool = True, jobs: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """(signatures, sizes) of raw texts, normalised as by `normalize`. With `jobs` > 1 and many
    texts, forked worker processes share the work."""
    global _pending
    texts = texts if isinstance(texts, Sequence) else list(texts)
    if jobs <= 1 or len(texts) < 1000 or "fork" not in mp.get_all_start_methods():
        return _signatures(texts, sizes=sizes, unified=False)
    step = max(500, len(texts) // (jobs * 8))
    bounds = [(i, min(i + step, len(texts)), sizes) for i in range(0, len(texts), step)]
    _pending = texts  # the forked workers inherit it: texts are never pickled
    try:
        with mp.get_context("fork").Pool(jobs) as pool:
            parts = pool.map(_signatures_of_slice, bounds)
    finally:
        _pending = ()
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def signature(text: str, *, normalised: bool = False) -> Signature:
    """The signature of one text (raw unless `normalised`)."""
    sigs, counts = signatures_of_normalised([text if normalised else normalize(text)])
    return Signature(sigs[0], int(counts[0]))


def estimate_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Share of equal MinHash values: the estimated Jaccard index of the two shingle sets."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


def containment(jaccard: float, size_a: int, size_b: int) -> float:
    """Estimated share of A's shingles found in B, from the Jaccard index and the set sizes."""
    if size_a <= 0 or jaccard <= 0:
        return 0.0
    common = jaccard * (size_a + size_b) / (1 + jaccard)
    return min(1.0, common / size_a)


def band_hashes(sigs: np.ndarray, *, bands: int = BANDS, rows: int = ROWS) -> np.ndarray:
    """uint64[n, bands]: band j of each signature hashed together with j."""
    sigs = np.atleast_2d(sigs).astype(np.uint64)
    out = np.zeros((len(sigs), bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(rows):
            column = sigs[:, r : bands * rows : rows]
            out = mix64(out * _K1 + column + np.uint64(r + 1) * _K2)
        out = mix64(out ^ (np.arange(bands, dtype=np.uint64) * _K3))
    return out


def lsh_params(threshold: float) -> tuple[int, int]:
    """(bands, rows) with the most rows per band that still makes a pair at `threshold` a
    candidate with probability ≥ 0.99 (0.5 -> 42 × 3)."""
    for rows in range(8, 0, -1):
        bands = NUM_PERM // rows
        if 1 - (1 - threshold**rows) ** bands >= 0.99:
            return bands, rows
    return NUM_PERM, 1


def candidate_pairs(sigs: np.ndarray, *, bands: int = BANDS, rows: int = ROWS) -> np.ndarray:
    """int64[m, 2] of index pairs (i < j) sharing at least one LSH band, each pair once."""
    n = len(sigs)
    live = np.flatnonzero((sigs != EMPTY).any(axis=1))
    if len(live) < 2:
        return np.empty((0, 2), dtype=np.int64)
    keys = band_hashes(sigs[live], bands=bands, rows=rows)
    found: list[np.ndarray] = []
    for j in range(bands):
        order = np.argsort(keys[:, j], kind="stable")
        sorted_keys = keys[order, j]
        gap = 1
        while gap < len(order):
            same = np.flatnonzero(sorted_keys[gap:] == sorted_keys[:-gap])
            if not len(same):
                break
            a, b = live[order[same]], live[order[same + gap]]
            found.append(np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b))
            gap += 1
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    codes = np.unique(np.concatenate(found))
    return np.stack((codes // n, codes % n), axis=1)


def similar_pairs(sigs: np.ndarray, threshold: float = 0.5) -> list[tuple[int, int, float]]:
    """(i, j, estimated Jaccard) for every LSH candidate pair whose estimate reaches `threshold`,
    i < j, in index order (banding from `lsh_params(threshold)`)."""
    bands, rows = lsh_params(threshold)
    pairs = candidate_pairs(sigs, bands=bands, rows=rows)
    out: list[tuple[int, int, float]] = []
    chunk = 1 << 18
    for start in range(0, len(pairs), chunk):
        part = pairs[start : start + chunk]
        equal = np.count_nonzero(sigs[part[:, 0]] == sigs[part[:, 1]], axis=1) / NUM_PERM
        hit = np.flatnonzero(equal >= threshold - 1e-12)
        out.extend(
            zip(part[hit, 0].tolist(), part[hit, 1].tolist(), equal[hit].tolist(), strict=True)
        )
    return out
