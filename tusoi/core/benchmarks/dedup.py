"""`tusoi bench dedup`: TuSoi's copy detector against datasketch (and rensa where it imports) on
one generated corpus of self-review reports with planted near-copies; `--index N`: query time of
the persistent index holding N signatures.

The corpus: reports of 400–1,500 words under the template's section headings; each sentence
joins one to three leading fragments (openings, subjects, actions), three to seven fragments of
objects, places and outcomes (at most two words each, cut from phrase pools), filler words,
concrete details (numbers, months, names) and sometimes a whole formulaic outcome phrase, so
two unrelated reports share formulaic words but few runs of three (median Jaccard about 0.04).
A fifth of the reports are near-copies of another: sentences rewritten, dropped or added
(0–60 %), paragraphs reordered, the other tone style, the whole text or alternate lines in
TCVN3 or VNI, or every other section replaced (containment, not Jaccard).
"""

import os
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from tusoi.dedup.minhash import NUM_PERM, signature, signatures, similar_pairs
from tusoi.dedup.normalize import normalize, to_tcvn3, to_vni

HEADINGS = [
    "I. Về tư tưởng chính trị",
    "II. Về phẩm chất đạo đức, lối sống",
    "III. Về ý thức tổ chức kỷ luật",
    "IV. Về thực hiện chức trách, nhiệm vụ được giao",
    "V. Những hạn chế, khuyết điểm và nguyên nhân",
    "VI. Phương hướng, biện pháp khắc phục",
]
OPENINGS = [
    "trong năm qua",
    "thời gian qua",
    "trong quá trình công tác",
    "qua tự soi tự sửa",
    "nhìn lại một năm",
    "từ đầu nhiệm kỳ",
    "trong sáu tháng đầu năm",
    "sau khi được chi bộ phân công",
    "khi về nghỉ hưu",
    "trong đợt sinh hoạt chính trị này",
    "thành thật mà nói",
    "so với năm trước",
    "tuy tuổi đã cao",
    "dù công việc gia đình bận rộn",
    "mặc dù sức khoẻ có lúc chưa tốt",
    "thực hiện kế hoạch của chi bộ",
    "trước những khó khăn của địa phương",
    "ở tổ dân phố nơi cư trú",
    "tại nơi làm việc",
    "hằng tháng",
]
SUBJECTS = [
    "bản thân tôi",
    "tôi",
    "tôi và gia đình",
    "cá nhân tôi",
    "tôi cùng các đồng chí trong tổ",
    "tôi với vai trò tổ trưởng",
    "tôi với cương vị chi uỷ viên",
    "tôi là đảng viên cao tuổi",
    "bản thân đồng chí",
    "tôi và vợ con",
]
ACTIONS = [
    "luôn chấp hành",
    "đã thực hiện",
    "chưa thường xuyên quan tâm đến",
    "tích cực tham gia",
    "học tập",
    "chủ động đề xuất",
    "kiên trì vận động",
    "gương mẫu thực hiện",
    "còn lúng túng khi triển khai",
    "đã phối hợp làm tốt",
    "nhắc nhở con cháu thực hiện",
    "theo dõi sát",
    "tuyên truyền",
    "đóng góp ý kiến vào",
    "phát hiện và phản ánh",
    "giúp đỡ",
    "dành thời gian cho",
    "nghiên cứu kỹ",
    "có lúc còn xem nhẹ",
    "vận động bà con tham gia",
    "hoàn thành",
    "lắng nghe góp ý về",
    "đôn đốc",
    "bảo vệ",
    "giữ gìn",
    "tham mưu cho chi uỷ về",
    "đi đầu trong",
    "còn chậm trong",
    "cam kết khắc phục",
]
OBJECTS = [
    "chủ trương đường lối của Đảng",
    "chính sách pháp luật của Nhà nước",
    "nghị quyết của chi bộ",
    "quy định về những điều đảng viên không được làm",
    "việc đóng đảng phí",
    "sinh hoạt chi bộ định kỳ",
    "phong trào toàn dân đoàn kết xây dựng đời sống văn hoá",
    "công tác vệ sinh môi trường",
    "việc nộp quỹ khuyến học",
    "hoạt động của hội người cao tuổi",
    "công tác hoà giải ở cơ sở",
    "mô hình tự quản về an ninh trật tự",
    "cuộc vận động người Việt Nam ưu tiên dùng hàng Việt Nam",
    "việc làm đường bê tông liên thôn",
    "chương trình xây dựng nông thôn mới",
    "thuỷ lợi nội đồng",
    "việc chăm sóc gia đình chính sách",
    "kế hoạch chuyển đổi số của phường",
    "quỹ vì người nghèo",
    "công tác phòng chống dịch bệnh",
    "chăm sóc sức khoẻ ban đầu",
    "giữ gìn trật tự đô thị",
    "phân loại rác tại nguồn",
    "việc tiết kiệm điện nước",
    "học tập và làm theo tư tưởng đạo đức phong cách Hồ Chí Minh",
    "việc nuôi dạy con cháu",
    "quan hệ với hàng xóm",
    "việc cưới việc tang văn minh",
    "nhiệm vụ chuyên môn được giao",
    "giờ giấc làm việc",
    "công tác kiểm tra giám sát",
    "thu ngân sách trên địa bàn",
    "sổ sách của tổ dân phố",
    "các buổi tiếp xúc cử tri",
    "ứng dụng công nghệ thông tin",
    "trồng cây xanh ven đường",
    "đàn gia súc gia cầm",
    "vườn cây ăn quả của gia đình",
    "hợp tác xã dịch vụ nông nghiệp",
    "hội cựu chiến binh",
    "đoàn thanh niên",
    "chi hội phụ nữ",
    "câu lạc bộ dưỡng sinh",
    "quỹ đền ơn đáp nghĩa",
]
PLACES = [
    "tại khu dân cư",
    "ở cơ quan",
    "trong sinh hoạt chi bộ",
    "với tinh thần trách nhiệm cao",
    "một cách nghiêm túc",
    "nhưng có lúc còn nể nang",
    "đúng thời gian quy định",
    "ở tổ dân phố số",
    "trên địa bàn thôn",
    "cùng các hộ liền kề",
    "theo sự phân công của chi uỷ",
    "qua mạng xã hội",
    "trong các buổi họp tổ",
    "tại nhà văn hoá",
    "khi có việc đột xuất",
    "bằng những việc làm cụ thể",
    "với sự hỗ trợ của ban công tác mặt trận",
    "dưới sự lãnh đạo của đảng uỷ",
    "ở nơi cư trú",
    "trong điều kiện còn nhiều khó khăn",
]
OUTCOMES = [
    "góp phần hoàn thành chỉ tiêu được giao",
    "nhưng kết quả còn hạn chế",
    "được bà con đồng tình ủng hộ",
    "tạo chuyển biến rõ nét",
    "còn để xảy ra sai sót nhỏ",
    "chưa đạt như mong muốn",
    "được chi bộ ghi nhận",
    "cần tiếp tục cố gắng hơn",
    "qua đó nâng cao nhận thức của bản thân",
    "bảo đảm đúng quy định",
    "giữ vững uy tín của người đảng viên",
    "khắc phục được tình trạng cũ",
    "mang lại hiệu quả thiết thực",
    "vẫn còn một số hộ chưa thực hiện",
    "làm cơ sở cho năm sau",
]
DETAILS = [
    "với {n} buổi",
    "gồm {n} hộ",
    "trong {n} tháng",
    "khoảng {n} người tham gia",
    "số tiền {n} trăm nghìn đồng",
    "vào tháng {m}",
    "từ năm {y}",
    "đến nay đã {n} lần",
    "cùng ông {name}",
    "theo ý kiến của bà {name}",
    "ở xóm {name}",
    "tại đội {n}",
]
NAMES = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Nga",
    "Nghĩa",
    "Ngọc",
    "Nhung",
    "Phong",
    "Phúc",
    "Phương",
    "Quang",
    "Quý",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Thành",
    "Thủy",
    "Tiến",
    "Toàn",
    "Trang",
    "Trung",
    "Tuấn",
    "Tùng",
    "Vân",
    "Việt",
    "Vinh",
    "Xuân",
    "Yến",
]
# Tone styles: the generator writes the "old" style; a planted copy may switch to the new one.
_STYLE_PAIRS = [
    ("òa", "oà"), ("óa", "oá"), ("ỏa", "oả"), ("õa", "oã"), ("ọa", "oạ"),
    ("òe", "oè"), ("óe", "oé"), ("ỏe", "oẻ"), ("õe", "oẽ"), ("ọe", "oẹ"),
    ("ùy", "uỳ"), ("úy", "uý"), ("ủy", "uỷ"), ("ũy", "uỹ"), ("ụy", "uỵ"),
]  # fmt: skip


@dataclass(frozen=True)
class Corpus:
    texts: list[str]
    source: list[int]  # index of the text a planted copy copies, -1 for an original
    kind: list[str]


def _fragments(phrases: list[str]) -> list[str]:
    out = []
    for phrase in phrases:
        w = phrase.split()
        out += [" ".join(w[i : i + 2]) for i in range(0, len(w), 2)]
    return sorted(set(out))


# Sentences join short fragments (at most two words from each pool phrase), so two unrelated
# reports share formulaic phrases but few runs of three words.
FRAGMENTS = _fragments(OBJECTS + PLACES + OUTCOMES)
LEADS = _fragments(OPENINGS + SUBJECTS + ACTIONS)
FILLERS = [
    "cũng",
    "đã",
    "luôn",
    "rất",
    "còn",
    "thật sự",
    "nhìn chung",
    "bước đầu",
    "phần nào",
    "kịp thời",
    "thường xuyên",
    "đúng mức",
    "và",
    "nhưng",
    "nên",
    "để",
    "cho",
    "với",
    "về",
    "của",
    "trong",
    "tại",
    "nhằm",
    "đối với",
    "thêm",
    "nhiều",
    "một số",
]


def _sentence(rng: random.Random) -> str:
    parts = [rng.choice(LEADS) for _ in range(rng.randint(1, 3))]
    for _ in range(rng.randint(3, 7)):
        if rng.random() < 0.4:
            parts.append(rng.choice(FILLERS))
        parts.append(rng.choice(FRAGMENTS))
    parts.extend(
        rng.choice(DETAILS).format(
            n=rng.randint(2, 99),
            m=rng.randint(1, 12),
            y=rng.randint(1990, 2024),
            name=rng.choice(NAMES),
        )  # fmt: skip
        for _ in range(rng.choice((0, 1, 1, 2)))
    )
    if rng.random() < 0.3:
        parts.append(", " + rng.choice(OUTCOMES))
    text = " ".join(parts).replace(" ,", ",")
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random) -> list[str]:
    return [_sentence(rng) for _ in range(rng.randint(2, 6))]


def _report(rng: random.Random) -> list[list[str]]:
    """Paragraphs (lists of sentences); the first sentence of each section is its heading."""
    target = rng.randint(400, 1500)
    sections: list[list[str]] = []
    words = 0
    while words < target:
        heading = HEADINGS[len(sections) % len(HEADINGS)]
        body = _paragraph(rng)
        words += sum(len(s.split()) for s in body) + len(heading.split())
        sections.append([heading, *body])
    return sections


def _render(sections: list[list[str]]) -> str:
    return "\n".join(f"{p[0]}\n{' '.join(p[1:])}" for p in sections)


def _new_style(text: str) -> str:
    # Only open syllables take the new placement: "hoà bình" but "hoàn thành".
    for old, new in _STYLE_PAIRS:
        text = text.replace(old + " ", new + " ").replace(old + ",", new + ",")
    return text


def _copy(rng: random.Random, sections: list[list[str]]) -> tuple[str, str]:
    kind = rng.choice(("edit", "reorder", "tone", "tcvn3", "vni", "mixed", "half"))
    rate = rng.uniform(0.0, 0.6)
    out = []
    for heading, *body in sections:
        new_body = []
        for sentence in body:
            roll = rng.random()
            if roll < rate / 2:
                new_body.append(_sentence(rng))  # rewritten
            elif roll < rate * 0.75:
                continue  # dropped
            else:
                new_body.append(sentence)
            if rng.random() < rate / 4:
                new_body.append(_sentence(rng))  # added
        out.append([heading, *(new_body or [_sentence(rng)])])
    if kind == "half":
        out = [p if i % 2 == 0 else [p[0], *_paragraph(rng)] for i, p in enumerate(sections)]
    if kind == "reorder":
        rng.shuffle(out)
    text = _render(out)
    if kind == "tone":
        text = _new_style(text)
    elif kind == "tcvn3":
        text = to_tcvn3(text)
    elif kind == "vni":
        text = to_vni(text)
    elif kind == "mixed":
        lines = text.split("\n")
        text = "\n".join(
            (to_vni(line) if i % 4 == 1 else to_tcvn3(line)) if i % 2 else line
            for i, line in enumerate(lines)
        )
    return text, kind


def make_corpus(docs: int, seed: int = 7, copy_share: float = 0.2) -> Corpus:
    rng = random.Random(seed)
    texts: list[str] = []
    structure: list[list[list[str]]] = []
    source: list[int] = []
    kind: list[str] = []
    for _ in range(docs):
        if structure and rng.random() < copy_share:
            original = rng.randrange(len(structure))
            text, how = _copy(rng, structure[original])
            structure.append(structure[original])
            texts.append(text)
            source.append(original if source[original] < 0 else source[original])
            kind.append(how)
        else:
            sections = _report(rng)
            structure.append(sections)
            texts.append(_render(sections))
            source.append(-1)
            kind.append("original")
    return Corpus(texts, source, kind)


def _shingle_sets(texts: list[str]) -> list[set[str]]:
    sets = []
    for text in texts:
        w = normalize(text).split()
        if len(w) < 3:
            sets.append({" ".join(w)} if w else set())
        else:
            sets.append({f"{a} {b} {c}" for a, b, c in zip(w, w[1:], w[2:], strict=False)})
    return sets


def exact_pairs(texts: list[str], threshold: float) -> set[tuple[int, int]]:
    """Pairs (i < j) whose exact Jaccard index of normalised word 3-shingles reaches threshold."""
    from scipy import sparse

    sets = _shingle_sets(texts)
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, s in enumerate(sets):
        for sh in s:
            rows.append(i)
            cols.append(vocab.setdefault(sh, len(vocab)))
    matrix = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(texts), len(vocab))
    )
    common = (matrix @ matrix.T).tocoo()
    sizes = np.array([len(s) for s in sets])
    upper = common.row < common.col
    a, b, inter = common.row[upper], common.col[upper], common.data[upper]
    jaccard = inter / (sizes[a] + sizes[b] - inter)
    hit = jaccard >= threshold
    return set(zip(a[hit].tolist(), b[hit].tolist(), strict=True))


def _score(
    found: set[tuple[int, int]], truth: set[tuple[int, int]], sample: set[int]
) -> tuple[float, float]:
    inside = {p for p in found if p[0] in sample and p[1] in sample}
    hits = len(inside & truth)
    recall = hits / len(truth) if truth else 1.0
    precision = hits / len(inside) if inside else 1.0
    return recall, precision


def run_tusoi(texts: list[str], threshold: float, jobs: int = 1) -> set[tuple[int, int]]:
    sigs, _ = signatures(texts, sizes=False, jobs=jobs)
    return {(i, j) for i, j, _s in similar_pairs(sigs, threshold)}


def _shingles_bytes(text: str) -> list[bytes]:
    w = normalize(text).split()
    if len(w) < 3:
        return [" ".join(w).encode()] if w else []
    return [f"{a} {b} {c}".encode() for a, b, c in zip(w, w[1:], w[2:], strict=False)]


def run_datasketch(texts: list[str], threshold: float) -> set[tuple[int, int]]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    hashes = []
    for i, text in enumerate(texts):
        m = MinHash(num_perm=NUM_PERM)
        m.update_batch(_shingles_bytes(text))
        hashes.append(m)
        lsh.insert(i, m)
    pairs = set()
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            if j != i and m.jaccard(hashes[j]) >= threshold:
                pairs.add((min(i, j), max(i, j)))
    return pairs


def run_rensa(texts: list[str], threshold: float) -> set[tuple[int, int]]:
    from rensa import RMinHash, RMinHashLSH

    lsh = RMinHashLSH(threshold=threshold, num_perm=NUM_PERM, num_bands=32)
    hashes = []
    for i, text in enumerate(texts):
        m = RMinHash(num_perm=NUM_PERM, seed=42)
        m.update([s.decode() for s in _shingles_bytes(text)])
        hashes.append(m)
        lsh.insert(i, m)
    pairs = set()
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            if j != i and m.jaccard(hashes[j]) >= threshold:
                pairs.add((min(i, j), max(i, j)))
    return pairs


def run_dedup_bench(
    *,
    docs: int = 20_000,
    sample: int = 2_000,
    threshold: float = 0.5,
    seed: int = 7,
    out: Callable[[str], None] = print,
) -> None:
    t = time.perf_counter()
    corpus = make_corpus(docs, seed)
    texts = corpus.texts
    words = sum(len(x.split()) for x in texts) / max(1, len(texts))
    planted = sum(1 for s in corpus.source if s >= 0)
    out(
        f"bench dedup: {len(texts)} reports, {words:.0f} words on average, "
        f"{planted} planted near-copies (generated in {time.perf_counter() - t:.1f} s)"
    )
    # The sample: whole families (an original and its copies) until `sample` texts.
    families: dict[int, list[int]] = {}
    for i, s in enumerate(corpus.source):
        families.setdefault(i if s < 0 else s, []).append(i)
    order = list(families)
    random.Random(seed).shuffle(order)
    chosen: set[int] = set()
    for root in order:
        if len(chosen) >= sample:
            break
        chosen.update(families[root])
    picked = sorted(chosen)
    t = time.perf_counter()
    truth_local = exact_pairs([texts[i] for i in picked], threshold)
    truth = {(picked[a], picked[b]) for a, b in truth_local}
    out(
        f"truth: {len(picked)} sampled reports, {len(picked) * (len(picked) - 1) // 2} pairs, "
        f"{len(truth)} at exact Jaccard >= {threshold} ({time.perf_counter() - t:.1f} s)"
    )

    def timed(name: str, run: Callable[[list[str], float], set[tuple[int, int]]]) -> tuple:
        start = time.perf_counter()
        found = run(texts, threshold)
        seconds = time.perf_counter() - start
        recall, precision = _score(found, truth, chosen)
        rate = len(texts) / seconds
        out(
            f"{name}: {rate:,.0f} docs/s ({seconds:.1f} s), {len(found)} pairs, "
            f"recall {recall:.3f}, precision {precision:.3f}"
        )
        return rate, recall, precision

    jobs = os.cpu_count() or 1
    single = timed("tusoi, 1 process", run_tusoi)
    ours = timed(f"tusoi, {jobs} processes", partial(run_tusoi, jobs=jobs)) if jobs > 1 else single
    theirs = timed("datasketch", run_datasketch)
    try:
        import rensa  # noqa: F401
    except ImportError:
        out("rensa: not installed")
    else:
        timed("rensa", run_rensa)
    out(
        f"dedup: tusoi {ours[0]:.0f} docs/s, datasketch {theirs[0]:.0f} docs/s, "
        f"ratio {ours[0] / theirs[0]:.1f}, recall {ours[1]:.3f}, precision {ours[2]:.3f}"
    )


def _synthetic_texts(rng: np.random.Generator, count: int, vocabulary: list[str]) -> list[str]:
    lengths = rng.integers(30, 60, size=count)
    ids = rng.integers(0, len(vocabulary), size=int(lengths.sum()))
    texts, at = [], 0
    for n in lengths.tolist():
        texts.append(" ".join(vocabulary[i] for i in ids[at : at + n].tolist()))
        at += n
    return texts


def run_index_bench(
    *,
    size: int,
    queries: int = 200,
    seed: int = 7,
    keep: bool = False,
    out: Callable[[str], None] = print,
) -> float:
    from django.db import connection

    from tusoi.dedup.index import index_bulk_add, index_clear, index_query, index_size

    collection = "bench:dedup"
    rng = np.random.Generator(np.random.PCG64(seed))
    syllables = sorted(
        {w for text in HEADINGS + OBJECTS + ACTIONS for w in normalize(text).split()}
    )
    vocabulary = [f"{a} {b}" for a in syllables for b in syllables]
    name = connection.settings_dict["NAME"]
    out(f"bench dedup --index: {size} signatures on {connection.vendor} ({name})")
    index_clear(collection)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1000000")  # 1 GB of page cache for the load
    t = time.perf_counter()
    parts, size_parts, kept_texts = [], [], []
    step = 50_000
    per_step = max(1, queries // max(1, size // step))
    for start in range(0, size, step):
        texts = _synthetic_texts(rng, min(step, size - start), vocabulary)
        kept_texts.extend(texts[:per_step])
        sigs, sizes = signatures(texts)
        parts.append(sigs)
        size_parts.append(sizes)
    out(f"  {size} signatures computed ({time.perf_counter() - t:.0f} s)")
    b = time.perf_counter()
    index_bulk_add(
        collection,
        [f"t{i}" for i in range(size)],
        np.concatenate(parts),
        np.concatenate(size_parts),
    )
    build = time.perf_counter() - b
    total = index_size(collection)
    out(f"built: {total} signatures in {time.perf_counter() - t:.0f} s ({build:.0f} s inserting)")
    # Half the queries are edited copies of indexed texts, half new texts.
    probe = []
    for i in range(queries):
        if i % 2 == 0 and kept_texts:
            words_ = kept_texts[i % len(kept_texts)].split()
            cut = len(words_) // 10
            probe.append(" ".join(words_[cut:] + list(rng.choice(syllables, size=cut))))
        else:
            probe.append(_synthetic_texts(rng, 1, vocabulary)[0])
    timings, hits = [], 0
    for text in probe:
        start = time.perf_counter()
        found = index_query(collection, signature(text))
        timings.append((time.perf_counter() - start) * 1000)
        hits += bool(found)
    median = statistics.median(timings)
    out(
        f"queries: {len(probe)}, {hits} found a match, "
        f"p90 {np.percentile(timings, 90):.1f} ms, max {max(timings):.1f} ms"
    )
    if not keep:
        index_clear(collection)
    out(f"dedup-query: {median:.1f} ms median at {total} indexed")
    return median
