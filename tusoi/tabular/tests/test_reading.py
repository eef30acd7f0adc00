"""read_table on clean, dirty and hostile files, all generated here."""

import io
import os
import unicodedata
import zipfile
from datetime import date

import openpyxl
import pytest
from django.utils import translation

from tusoi.tabular import Column, UnreadableFile, read_table
from tusoi.tabular.tests.corpus import (
    COLUMNS,
    DATE,
    HEADERS,
    biff8,
    cp1258,
    encrypted_xlsx,
    excel_datetime,
    inline_row,
    ole2,
    patch_central_sizes,
    replace_parts,
    sheet_xml,
    xlsx,
)

pytestmark = pytest.mark.usefixtures("vietnamese")


@pytest.fixture
def vietnamese():
    with translation.override("vi"):
        yield


def refusal(data: bytes, filename: str = "upload.xlsx", **kwargs) -> str:
    with pytest.raises(UnreadableFile) as caught:
        read_table(data, filename, COLUMNS, **kwargs)
    return caught.value.message


# --- reading what people really send


def test_reads_header_by_folded_text_alias_and_key_and_ignores_unknown_columns():
    data = xlsx(
        [
            ["STT", "SO THE DANG VIEN", "  họ   TÊN ", "birth_date", "Ghi chú"],
            [1, "001234567890", "Nguyễn Văn An", excel_datetime(1990, 12, 25), "x"],
        ]
    )
    table = read_table(data, "ds.xlsx", COLUMNS)
    assert [c.key for c in table.columns] == ["card_number", "full_name", "birth_date"]
    assert table.column_letters == {"card_number": "B", "full_name": "C", "birth_date": "D"}
    assert table.rows[0].number == 2
    assert table.rows[0].values == {
        "card_number": "001234567890",
        "full_name": "Nguyễn Văn An",
        "birth_date": date(1990, 12, 25),  # a date cell reads as a date
    }
    assert table.sheet_name == "Danh sách"
    assert table.source_name == "ds.xlsx"


def test_keeps_raw_types_cleans_text_and_skips_empty_rows_keeping_sheet_row_numbers():
    nfd = unicodedata.normalize("NFD", "Trần Thị Hoà")
    data = xlsx(
        [
            HEADERS,
            [12345, f"\u00a0{nfd}\u00a0 ", 45000, True],
            [None, None, None, None],
            ["", "   ", None, None],
            ["0099", "Lê\u202fVăn  Bình", "25/12/1990", None],
        ]
    )
    rows = read_table(data, "ds.xlsx", COLUMNS).rows
    assert [row.number for row in rows] == [2, 5]
    first, second = rows[0].values, rows[1].values
    assert first["card_number"] == 12345
    assert first["full_name"] == "Trần Thị Hoà"
    assert unicodedata.is_normalized("NFC", first["full_name"])
    assert first["birth_date"] == 45000
    assert first["is_official"] is True
    assert second == {
        "card_number": "0099",
        "full_name": "Lê Văn Bình",
        "birth_date": "25/12/1990",
        "is_official": None,
    }


def test_reads_the_first_non_empty_sheet_and_warns_about_the_others():
    workbook = openpyxl.Workbook()
    workbook.active.title = "Trống"
    data_sheet = workbook.create_sheet("Dữ liệu")
    data_sheet.append(HEADERS)
    data_sheet.append(["1", "An", None, None])
    workbook.create_sheet("Ghi chú").append(["xem thêm"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "ds.xlsx", COLUMNS)
    assert table.sheet_name == "Dữ liệu"
    assert table.rows[0].values["full_name"] == "An"
    assert "Trống" in table.warnings[0] and "Ghi chú" in table.warnings[0]


def test_accepts_a_file_object():
    data = xlsx([HEADERS, ["1", "An", None, None]])
    assert read_table(io.BytesIO(data), "ds.xlsx", COLUMNS).rows[0].values["card_number"] == "1"


def test_reads_xls_with_dates_numbers_and_booleans():
    data = biff8(
        [
            ["Ghi chú", *HEADERS],
            [None, "001", "Nguyễn Văn An", (DATE, 45000), True],
            [None, 12345, "Lê B", "1/2/90", False],
        ]
    )
    table = read_table(data, "ds.xls", COLUMNS)
    assert table.column_letters["card_number"] == "B"
    assert table.rows[0].values == {
        "card_number": "001",
        "full_name": "Nguyễn Văn An",
        "birth_date": excel_datetime(2023, 3, 15),
        "is_official": True,
    }
    assert table.rows[1].values["card_number"] == 12345
    assert table.rows[1].values["is_official"] is False


def test_detects_format_from_content_not_name():
    data = xlsx([HEADERS, ["1", "An", None, None]])
    assert read_table(data, "ds.csv", COLUMNS).rows[0].values["full_name"] == "An"
    csv_bytes = "Số thẻ đảng viên,Họ và tên\n1,An\n".encode()
    assert read_table(csv_bytes, "ds.xlsx", COLUMNS).rows[0].values["full_name"] == "An"


CSV_TEXT = (
    'Số thẻ đảng viên;Họ và tên;Ngày sinh\n"007";Nguyễn Thị Hương;25/12/1990\n;;\n8;Đỗ Hùng;\n'
)


@pytest.mark.parametrize(
    "encoded",
    [
        CSV_TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + CSV_TEXT.encode("utf-8"),
        # Windows-1258 writes tones as combining marks; the reader hands on NFC.
        cp1258(CSV_TEXT),
        CSV_TEXT.replace(";", ",").encode("utf-8"),
        ("sep=;\n" + CSV_TEXT).encode("utf-8"),
        CSV_TEXT.replace(";", "\t").encode("utf-16"),
    ],
    ids=["utf8", "utf8-bom", "cp1258", "comma", "sep-line", "utf16-tab"],
)
def test_reads_csv_in_the_encodings_and_delimiters_people_use(encoded):
    rows = read_table(encoded, "ds.csv", COLUMNS).rows
    assert [row.number for row in rows] == [2, 4]
    assert rows[0].values == {
        "card_number": "007",
        "full_name": "Nguyễn Thị Hương",
        "birth_date": "25/12/1990",
    }
    assert unicodedata.is_normalized("NFC", rows[1].values["full_name"])
    assert rows[1].values["full_name"] == "Đỗ Hùng"


# --- the header


def test_missing_required_columns_are_named():
    message = refusal(xlsx([["STT", "Ghi chú"], ["1", "x"]]))
    assert (
        message
        == "Dòng 1 không có tiêu đề cột nào như mong đợi: "
        + ", ".join(f"“{h}”" for h in HEADERS)
        + "."
    )
    message = refusal(xlsx([["Họ và tên", "Ngày sinh"], ["An", "1/1/1990"]]))
    assert message == "Thiếu cột bắt buộc “Số thẻ đảng viên” ở dòng 1."
    message = refusal(xlsx([["Ngày sinh", "Ghi chú"], ["1/1/1990", "x"]]))
    assert message == "Thiếu cột bắt buộc “Số thẻ đảng viên”, “Họ và tên” ở dòng 1."


def test_header_below_row_one_is_refused_naming_the_row():
    data = xlsx(
        [["DANH SÁCH ĐẢNG VIÊN CHI BỘ 1"], [None], HEADERS, ["1", "An", None, None]],
        merges=["A1:D1"],
    )
    message = refusal(data)
    assert "dòng 1" in message and "dòng 3" in message


def test_merged_header_cells_are_refused_in_xlsx_and_xls():
    data = xlsx([[*HEADERS[:2], "Thông tin", None], ["1", "An", None, None]], merges=["C1:D1"])
    assert "C1:D1" in refusal(data)
    data = biff8([HEADERS, ["1", "An"]], merges=[(0, 0, 1, 2)])
    assert "B1:C1" in refusal(data, "ds.xls")


def test_merged_cells_below_the_header_are_allowed():
    data = xlsx([HEADERS, ["1", "An", None, None], [None, None, None, None]], merges=["C3:D3"])
    assert len(read_table(data, "ds.xlsx", COLUMNS).rows) == 1


def test_a_column_given_twice_is_refused():
    assert "(cột B, C)" in refusal(xlsx([["Số thẻ đảng viên", "Họ và tên", "Họ tên"]]))


# --- hostile files


def test_empty_file_is_refused():
    assert refusal(b"") == "Tệp trống."
    assert refusal(b"  \n") == "Tệp trống."


def test_workbook_with_only_empty_sheets_is_refused():
    assert "không có dữ liệu" in refusal(xlsx([]))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>>", "PDF"),
        (os.urandom(0) + bytes(range(256)) * 20, "không phải bảng tính"),
        (
            b"<html><body><table><tr><td>S\xe1\xbb\x91 th\xe1\xba\xbb</td></tr></table>",
            "trang web (HTML)",
        ),
        (
            b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
            "XML Spreadsheet 2003",
        ),
        (ole2({"WordDocument": b"\0" * 5000}), "Word"),
        (ole2({"Something": b"\0" * 5000}), "không phải bảng tính"),
    ],
    ids=["pdf", "random", "html-as-xls", "xml-2003", "doc", "other-ole2"],
)
def test_non_workbooks_are_refused_with_a_reason(data, expected):
    assert expected in refusal(data, "ds.xls")


def test_word_docx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert "Word" in refusal(buffer.getvalue(), "ds.xlsx")


def test_random_zip_and_truncated_workbook_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff")
    assert "không phải bảng tính" in refusal(buffer.getvalue())
    data = xlsx([HEADERS, ["1", "An", None, None]])
    assert "bị hỏng" in refusal(data[: len(data) // 2])


def test_password_protected_xlsx_and_xls_are_refused():
    assert "mật khẩu" in refusal(encrypted_xlsx(), "ds.xlsx")
    assert "mật khẩu" in refusal(biff8([HEADERS], encrypted=True), "ds.xls")


def test_files_over_the_size_limit_are_refused_without_reading_them_whole():
    data = xlsx([HEADERS, ["1", "An", None, None]])
    assert "giới hạn 1 KB" in refusal(data, max_bytes=1024)

    class Endless(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            buffer[: len(buffer)] = b"a" * len(buffer)
            return len(buffer)

    with pytest.raises(UnreadableFile, match="giới hạn"):
        read_table(io.BufferedReader(Endless()), "big.csv", COLUMNS, max_bytes=10_000)


def test_default_size_limit_comes_from_settings(settings):
    settings.TUSOI_UPLOAD_MAX_BYTES = 2048
    assert "giới hạn 2 KB" in refusal(xlsx([HEADERS, ["1", "An", None, None]]))


def test_zip_claiming_to_expand_too_far_is_refused_before_parsing():
    data = xlsx([HEADERS, ["1", "An", None, None]])
    bomb = patch_central_sizes(data, "xl/worksheets/sheet1.xml", 300 * 1024 * 1024)
    assert "zip bomb" in refusal(bomb)


def test_zip_member_with_absurd_compression_ratio_is_refused():
    data = xlsx([HEADERS, ["1", "An", None, None]])
    bomb = replace_parts(data, {"xl/media/padding.bin": b"\0" * (3 * 1024 * 1024)})
    assert "zip bomb" in refusal(bomb)


def test_formulas_are_refused_naming_the_first_cells():
    rows = [HEADERS] + [[str(i), f"=B{i}", None, None] for i in range(1, 9)]
    message = refusal(xlsx(rows))
    assert message.startswith("Ô B2, B3, B4, B5, B6, …")
    assert "Paste Special → Values" in message
    one = refusal(xlsx([HEADERS, ["1", "An", "=TODAY()", None]]))
    assert one == ("Ô C2 chứa công thức; hãy dán giá trị (Paste Special → Values) rồi tải lên lại.")


def test_formula_in_an_ignored_column_does_not_block():
    data = xlsx([["STT", *HEADERS], ["=ROW()-1", "1", "An", None, None]])
    assert read_table(data, "ds.xlsx", COLUMNS).rows[0].values["full_name"] == "An"


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


@pytest.mark.parametrize(
    ("part", "root"),
    [
        (
            "xl/worksheets/sheet1.xml",
            b"<worksheet %s><sheetData><row r='1'><c r='A1' "
            b"t='inlineStr'><is><t>&lol3;</t></is></c></row></sheetData></worksheet>",
        ),
        ("xl/workbook.xml", b"<workbook %s><sheets><sheet name='&lol3;'/></sheets></workbook>"),
        (
            "xl/styles.xml",
            b"<styleSheet %s><numFmts><numFmt formatCode='&lol3;'/></numFmts></styleSheet>",
        ),
    ],
    ids=["sheet", "workbook", "styles"],
)
def test_xml_entity_expansion_inside_a_workbook_is_refused(part, root):
    namespace = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    data = replace_parts(xlsx([HEADERS, ["1", "An", None, None]]), {part: BOMB + root % namespace})
    assert refusal(data) == ("Bảng tính chứa XML không an toàn (khai báo thực thể) nên bị từ chối.")


def test_a_million_empty_formatted_rows_are_read_in_about_a_second():
    rows = inline_row(1, HEADERS) + inline_row(2, ["1", "Nguyễn Văn An"])
    rows += b"".join(
        b'<row r="%d" spans="1:4" s="0" customFormat="1" ht="15"/>' % i for i in range(3, 1_048_577)
    )
    data = replace_parts(
        xlsx([HEADERS]), {"xl/worksheets/sheet1.xml": sheet_xml(rows, dimension="A1:D1048576")}
    )
    table = read_table(data, "ds.xlsx", COLUMNS)
    assert [row.number for row in table.rows] == [2]


def test_reading_stops_after_a_thousand_empty_rows():
    rows = inline_row(1, HEADERS) + inline_row(2, ["1", "An"]) + inline_row(900, ["2", "Bình"])
    rows += inline_row(1902, ["3", "Chi"])  # 1,001 empty rows after row 900
    data = replace_parts(xlsx([HEADERS]), {"xl/worksheets/sheet1.xml": sheet_xml(rows)})
    assert [row.number for row in read_table(data, "ds.xlsx", COLUMNS).rows] == [2, 900]


def test_rows_with_only_ignored_columns_do_not_count_as_data():
    rows = [["STT", *HEADERS], [1, "1", "An", None, None]] + [[i] for i in range(2, 2000)]
    rows.append([None, "9", "Zung", None, None])
    table = read_table(xlsx(rows), "ds.xlsx", COLUMNS)
    assert [row.number for row in table.rows] == [2]


def test_broken_sheet_xml_is_refused_not_crashing():
    data = replace_parts(xlsx([HEADERS]), {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData"})
    assert "bị hỏng" in refusal(data)


def test_columns_without_required_ones_still_need_one_known_header():
    columns = [Column("note", "Ghi chú")]
    with pytest.raises(UnreadableFile):
        read_table(xlsx([["A", "B"], [1, 2]]), "x.xlsx", columns)
