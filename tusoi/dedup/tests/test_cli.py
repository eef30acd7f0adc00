"""`tusoi dedup INPUT.jsonl`: the output contract and bad input lines."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tusoi.dedup.normalize import to_vni

REPORT = (
    "Về tư tưởng chính trị, tôi luôn chấp hành nghiêm chủ trương của Đảng, giữ gìn sức khỏe "
    "và hòa thuận với xóm giềng; tham gia đầy đủ sinh hoạt chi bộ ở khu phố số ba. "
)
OTHER = "Năm nay tôi phụ trách quỹ khuyến học của thôn, vận động được mười hai hộ đóng góp. "


def write_lines(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("dedup", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_pairs_are_written_once_with_estimated_jaccard(tmp_path):
    source = write_lines(
        tmp_path / "in.jsonl",
        [
            json.dumps({"id": "a", "text": REPORT * 3}, ensure_ascii=False),
            json.dumps({"id": 2, "text": OTHER * 3}, ensure_ascii=False),
            "",
            json.dumps({"id": "c", "text": to_vni(REPORT * 3).replace("khoûe", "khoeû")}),
        ],
    )
    target = tmp_path / "pairs.jsonl"
    out, _err = run(str(source), "--threshold", "0.5", "--out", str(target))
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert lines == [{"a": "a", "b": "c", "score": 1.0}]
    assert "1" in out


def test_pairs_go_to_standard_output_without_out(tmp_path):
    source = write_lines(
        tmp_path / "in.jsonl",
        [json.dumps({"id": i, "text": REPORT * 2}, ensure_ascii=False) for i in (1, 2, 3)],
    )
    out, _err = run(str(source))
    pairs = [json.loads(line) for line in out.splitlines()]
    assert [(p["a"], p["b"]) for p in pairs] == [(1, 2), (1, 3), (2, 3)]
    assert all(p["score"] == 1.0 for p in pairs)


def test_bad_lines_are_listed_with_numbers_and_nothing_is_written(tmp_path):
    source = write_lines(
        tmp_path / "in.jsonl",
        [
            json.dumps({"id": 1, "text": REPORT}, ensure_ascii=False),
            "{not json",
            json.dumps({"id": 3}),
            json.dumps({"id": [1], "text": "x"}),
            json.dumps({"id": 5, "text": 7}),
            json.dumps({"id": 1, "text": REPORT}, ensure_ascii=False),
        ],
    )
    target = tmp_path / "pairs.jsonl"
    with pytest.raises(CommandError) as raised:
        run(str(source), "--out", str(target))
    assert not target.exists()
    assert "5" in str(raised.value) and "--skip-bad" in str(raised.value)


def test_bad_lines_name_their_line_numbers(tmp_path):
    source = write_lines(tmp_path / "in.jsonl", ['{"id": 1, "text": "a"}', "[1, 2]", "nope"])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("dedup", str(source), stdout=io.StringIO(), stderr=err)
    messages = err.getvalue().splitlines()
    assert len(messages) == 2
    assert "2" in messages[0] and "3" in messages[1]


def test_skip_bad_reports_them_and_processes_the_rest(tmp_path):
    source = write_lines(
        tmp_path / "in.jsonl",
        [
            json.dumps({"id": 1, "text": REPORT * 2}, ensure_ascii=False),
            "{broken",
            json.dumps({"id": 2, "text": REPORT * 2}, ensure_ascii=False),
        ],
    )
    target = tmp_path / "pairs.jsonl"
    _out, err = run(str(source), "--out", str(target), "--skip-bad")
    assert "2" in err
    assert [json.loads(x)["b"] for x in target.read_text().splitlines()] == [2]


def test_threshold_out_of_range_and_missing_file_are_errors(tmp_path):
    with pytest.raises(CommandError):
        run(str(tmp_path / "none.jsonl"))
    source = write_lines(tmp_path / "in.jsonl", ['{"id": 1, "text": "a"}'])
    with pytest.raises(CommandError):
        run(str(source), "--threshold", "1.5")
