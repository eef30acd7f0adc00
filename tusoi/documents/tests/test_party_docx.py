import datetime
import io
import shutil
import stat
import zipfile

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from tusoi.documents import (
    Heading,
    PageBreak,
    Paragraph,
    PartyDocument,
    PdfConversionError,
    Table,
    build_party_docx,
    convert_to_pdf,
    docx_to_text,
    vietnamese_date_line,
)

BODY_ONE = "Bản thân luôn giữ vững lập trường tư tưởng <script>alert(1)</script> & “ngoặc”."
BODY_TWO = "Khắc phục hạn chế trong năm 2024."


def make_document(**overrides) -> PartyDocument:
    values = {
        "superior_body": "Đảng bộ tỉnh Quảng Ninh",
        "issuing_body": "Thành ủy Hạ Long",
        "number_symbol": "06-HD/TU",
        "place": "Hà Nội",
        "date": datetime.date(2024, 3, 5),
        "doc_type": "Báo cáo",
        "summary": "Kiểm điểm, đánh giá cá nhân năm 2024",
        "body": [
            Heading("I. Ưu điểm"),
            Paragraph(BODY_ONE),
            Table(["TT", "Nội dung"], [["1", "Tự phê bình"], ["2", "Phê bình"]], [2.0, 14.0]),
            PageBreak(),
            Paragraph(BODY_TWO, italic=True, indent_first_line=False),
        ],
        "signer_title": "Bí thư",
        "signer_name": "Nguyễn Văn An",
        "recipients": ["Ban Thường vụ Tỉnh ủy", "Lưu Văn phòng"],
        "signer_role": "T/M Ban Thường vụ",
    }
    values.update(overrides)
    return PartyDocument(**values)


@pytest.fixture(scope="module")
def built():
    return docx.Document(io.BytesIO(build_party_docx(make_document())))


def all_paragraphs(document):
    """Every paragraph, including those in table cells, in document order."""

    def walk(container):
        for item in container.iter_inner_content():
            if isinstance(item, docx.text.paragraph.Paragraph):
                yield item
            else:
                for row in item.rows:
                    for cell in row.cells:
                        yield from walk(cell)

    return list(walk(document))


def paragraph_with(document, text):
    matches = [p for p in all_paragraphs(document) if p.text == text]
    assert matches, f"no paragraph reads {text!r}"
    return matches[0]


def close_to_cm(length, cm):
    """Word stores lengths in twips; a centimetre rounds to within half a twip."""
    return length is not None and abs(length - Cm(cm)) <= Cm(0.01)


def only_run(paragraph):
    assert len(paragraph.runs) == 1
    return paragraph.runs[0]


def test_vietnamese_date_line_pads_day_and_month():
    assert vietnamese_date_line("Hà Nội", datetime.date(2024, 3, 5)) == (
        "Hà Nội, ngày 05 tháng 03 năm 2024"
    )
    assert vietnamese_date_line("Hạ Long", datetime.date(2018, 12, 20)) == (
        "Hạ Long, ngày 20 tháng 12 năm 2018"
    )


def test_page_is_a4_portrait_with_party_margins(built):
    section = built.sections[0]
    assert close_to_cm(section.page_width, 21)
    assert close_to_cm(section.page_height, 29.7)
    assert close_to_cm(section.top_margin, 2)
    assert close_to_cm(section.bottom_margin, 2)
    assert close_to_cm(section.left_margin, 3)
    assert Cm(1.49) <= section.right_margin <= Cm(2.01)


def test_header_has_party_name_issuing_body_number_and_date(built):
    header = built.tables[0]
    left, right = header.rows[0].cells
    assert [p.text for p in left.paragraphs] == [
        "ĐẢNG BỘ TỈNH QUẢNG NINH",
        "THÀNH ỦY HẠ LONG",
        "*",
        "Số 06-HD/TU",
    ]
    right_texts = [p.text for p in right.paragraphs if p.text]
    assert right_texts == ["ĐẢNG CỘNG SẢN VIỆT NAM", "Hà Nội, ngày 05 tháng 03 năm 2024"]


def test_header_is_borderless(built):
    assert built.tables[0]._tbl.tblPr.find(qn("w:tblStyle")) is None
    assert built.tables[0]._tbl.tblPr.find(qn("w:tblBorders")) is None


def test_header_runs_have_the_guidance_sizes_and_weights(built):
    party = only_run(paragraph_with(built, "ĐẢNG CỘNG SẢN VIỆT NAM"))
    assert (party.font.size, party.font.bold, party.font.underline) == (Pt(15), True, True)
    superior = only_run(paragraph_with(built, "ĐẢNG BỘ TỈNH QUẢNG NINH"))
    assert (superior.font.size, superior.font.bold) == (Pt(14), False)
    issuing = only_run(paragraph_with(built, "THÀNH ỦY HẠ LONG"))
    assert (issuing.font.size, issuing.font.bold) == (Pt(14), True)
    number = only_run(paragraph_with(built, "Số 06-HD/TU"))
    assert number.font.size == Pt(14)
    date = only_run(paragraph_with(built, "Hà Nội, ngày 05 tháng 03 năm 2024"))
    assert (date.font.size, date.font.italic) == (Pt(14), True)


def test_type_and_summary_are_centered_bold(built):
    doc_type = paragraph_with(built, "BÁO CÁO")
    assert doc_type.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert (only_run(doc_type).font.size, only_run(doc_type).font.bold) == (Pt(16), True)
    summary = paragraph_with(built, "Kiểm điểm, đánh giá cá nhân năm 2024")
    assert summary.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert (only_run(summary).font.size, only_run(summary).font.bold) == (Pt(14), True)


def test_every_run_is_times_new_roman_for_every_script(built):
    runs = [run for p in all_paragraphs(built) for run in p.runs if run.text]
    assert runs
    for run in runs:
        fonts = run._r.rPr.find(qn("w:rFonts"))
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            assert fonts.get(qn(attr)) == "Times New Roman", (run.text, attr)
    normal_fonts = built.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal_fonts.get(qn("w:eastAsia")) == "Times New Roman"


def test_body_paragraphs_are_literal_justified_and_indented(built):
    first = paragraph_with(built, BODY_ONE)
    assert first.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert close_to_cm(first.paragraph_format.first_line_indent, 1)
    assert only_run(first).font.size == Pt(14)
    second = paragraph_with(built, BODY_TWO)
    assert second.paragraph_format.first_line_indent is None
    assert only_run(second).font.italic is True


def test_script_tags_are_stored_as_text_not_markup():
    data = build_party_docx(make_document())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in xml
    assert "<script>" not in xml


def test_body_table_has_borders_bold_header_and_cells_in_order(built):
    table = built.tables[1]
    assert table.style.name == "Table Grid"
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["TT", "Nội dung"],
        ["1", "Tự phê bình"],
        ["2", "Phê bình"],
    ]
    assert only_run(table.rows[0].cells[1].paragraphs[0]).font.bold is True
    assert not only_run(table.rows[1].cells[1].paragraphs[0]).font.bold
    assert close_to_cm(table.columns[0].width, 2)


def test_body_blocks_come_in_the_given_order(built):
    texts = [p.text for p in all_paragraphs(built)]
    order = ["BÁO CÁO", "I. Ưu điểm", BODY_ONE, "Tự phê bình", BODY_TWO, "Nơi nhận:"]
    positions = [texts.index(text) for text in order]
    assert positions == sorted(positions)


def test_page_break_is_written(built):
    breaks = built.element.body.findall(".//" + qn("w:br"))
    assert any(br.get(qn("w:type")) == "page" for br in breaks)


def test_signature_block_right_and_recipients_left(built):
    bottom = built.tables[-1]
    left, right = bottom.rows[0].cells
    assert [p.text for p in left.paragraphs] == [
        "Nơi nhận:",
        "- Ban Thường vụ Tỉnh ủy",
        "- Lưu Văn phòng",
    ]
    heading = only_run(left.paragraphs[0])
    assert (heading.font.size, heading.font.bold, heading.font.italic) == (Pt(12), True, True)
    assert only_run(left.paragraphs[1]).font.size == Pt(12)
    signed = [p.text for p in right.paragraphs if p.text]
    assert signed == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Nguyễn Văn An"]
    assert sum(1 for p in right.paragraphs if not p.text) >= 3  # room to sign
    assert all(only_run(p).font.bold for p in right.paragraphs if p.text)


def test_optional_parts_are_left_out_when_empty():
    document = docx.Document(
        io.BytesIO(
            build_party_docx(
                make_document(
                    superior_body="",
                    number_symbol="",
                    signer_role="",
                    recipients=[],
                )
            )
        )
    )
    left, right = document.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs] == ["THÀNH ỦY HẠ LONG", "*"]
    signed = [p.text for p in document.tables[-1].rows[0].cells[1].paragraphs if p.text]
    assert signed == ["BÍ THƯ", "Nguyễn Văn An"]
    assert "Nơi nhận:" not in docx_to_text(build_party_docx(make_document(recipients=[])))


def test_text_is_stored_nfc_and_control_characters_do_not_break_the_build():
    decomposed = "Hoa\u0300 bi\u0300nh"  # "Hoà bình" typed with combining accents
    data = build_party_docx(make_document(body=[Paragraph(decomposed + "\x0b\x00!")]))
    text = docx_to_text(data)
    assert "Hoà bình!" in text


def test_docx_to_text_round_trips_the_body_in_order():
    text = docx_to_text(build_party_docx(make_document()))
    lines = text.splitlines()
    for expected in ("ĐẢNG CỘNG SẢN VIỆT NAM", BODY_ONE, "Tự phê bình", BODY_TWO):
        assert expected in lines
    assert lines.index(BODY_ONE) < lines.index("Tự phê bình") < lines.index(BODY_TWO)


def test_docx_to_text_reads_a_merged_cell_once():
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "Ô gộp"
    out = io.BytesIO()
    document.save(out)
    assert docx_to_text(out.getvalue()).count("Ô gộp") == 1


@pytest.mark.parametrize(
    ("data", "word"),
    [
        (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "PDF"),
        (bytes(range(256)) * 4, "không phải tệp Word"),
        (b"", "trống"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "mật khẩu"),
    ],
    ids=["pdf", "random-bytes", "empty", "encrypted-ole2"],
)
def test_docx_to_text_refuses_what_is_not_a_docx(data, word):
    with pytest.raises(ValueError, match=word):
        docx_to_text(data)


def test_docx_to_text_refuses_a_zip_without_a_word_document():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ValueError, match="word/document.xml"):
        docx_to_text(out.getvalue())


def test_docx_to_text_refuses_a_broken_docx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<not-closed")
    with pytest.raises(ValueError, match="bị hỏng"):
        docx_to_text(out.getvalue())


def test_convert_to_pdf_returns_none_without_libreoffice(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert convert_to_pdf(build_party_docx(make_document())) is None


def fake_soffice(tmp_path, script_body):
    path = tmp_path / "soffice"
    path.write_text("#!/bin/sh\n" + script_body)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_convert_to_pdf_runs_headless_libreoffice_with_a_private_profile(tmp_path, monkeypatch):
    log = tmp_path / "args.txt"
    # Stands in for LibreOffice: records its arguments, writes <outdir>/document.pdf.
    script = (
        f'printf "%s\\n" "$@" > {log}\n'
        'while [ "$1" != "--outdir" ]; do shift; done\n'
        'printf "%%PDF-1.4 fake" > "$2/document.pdf"\n'
    )
    executable = fake_soffice(tmp_path, script)
    monkeypatch.setattr(shutil, "which", lambda name: executable if name == "soffice" else None)
    assert convert_to_pdf(b"docx bytes") == b"%PDF-1.4 fake"
    args = log.read_text().splitlines()
    assert "--headless" in args
    assert args[args.index("--convert-to") + 1] == "pdf"
    profile = next(a for a in args if a.startswith("-env:UserInstallation=file:///"))
    assert "tusoi-pdf-" in profile
    assert args[-1].endswith("document.docx")


def test_convert_to_pdf_reports_a_failed_conversion(tmp_path, monkeypatch):
    executable = fake_soffice(tmp_path, "echo broken >&2\nexit 1\n")
    monkeypatch.setattr(shutil, "which", lambda name: executable)
    with pytest.raises(PdfConversionError, match="không chuyển được"):
        convert_to_pdf(b"docx bytes")


def test_convert_to_pdf_gives_up_after_the_timeout(tmp_path, monkeypatch):
    executable = fake_soffice(tmp_path, "sleep 30\n")
    monkeypatch.setattr(shutil, "which", lambda name: executable)
    with pytest.raises(PdfConversionError, match="thời gian"):
        convert_to_pdf(b"docx bytes", timeout=0.5)
