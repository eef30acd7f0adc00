"""Templates, exports and error copies, read back with read_table."""

import io
from datetime import date

import openpyxl
import pytest
from django.utils import translation

from tusoi.tabular import (
    CellError,
    parse_bool,
    parse_date,
    parse_text,
    read_table,
    write_csv,
    write_error_copy,
    write_template,
    write_xlsx,
)
from tusoi.tabular.tests.corpus import (
    COLUMNS,
    DATE,
    HEADERS,
    biff8,
    excel_datetime,
    xlsx,
)

RED = "00FFC7CE"
YELLOW = "00FFEB9C"


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_template_has_bold_frozen_header_notes_and_instructions():
    workbook = load(write_template(COLUMNS, title="Mẫu nhập đảng viên"))
    sheet = workbook.worksheets[0]
    assert sheet.title == "Mẫu nhập đảng viên"
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= len(HEADERS[0])
    assert sheet["A1"].comment.text == "(bắt buộc)\n12 chữ số"
    assert sheet["D1"].comment.text == "có hoặc để trống"
    guide = workbook["Hướng dẫn"]
    assert [cell.value for cell in guide[1]] == ["Cột", "Bắt buộc", "Ghi chú"]
    assert [cell.value for cell in guide[2]] == ["Số thẻ đảng viên", "có", "12 chữ số"]
    assert [cell.value for cell in guide[5]] == ["Chính thức", "không", "có hoặc để trống"]


def test_template_is_accepted_by_the_reader():
    table = read_table(write_template(COLUMNS, title="Mẫu"), "mau.xlsx", COLUMNS)
    assert [column.key for column in table.columns] == [column.key for column in COLUMNS]
    assert table.rows == []


EXPORT = [
    {
        "card_number": "001234567890",
        "full_name": "Nguyễn Văn An",
        "birth_date": date(1990, 12, 25),
        "is_official": True,
    },
    {
        "card_number": '=HYPERLINK("http://x")',  # must come back as text, not a formula
        "full_name": "Lê Thị Bình",
        "birth_date": None,
        "is_official": False,
    },
    {"card_number": "3", "full_name": "Đỗ Hùng", "birth_date": date(2001, 1, 2)},
]


def parsed(table) -> list[dict]:
    return [
        {
            "card_number": parse_text(row.values["card_number"]),
            "full_name": parse_text(row.values["full_name"]),
            "birth_date": row.values["birth_date"] and parse_date(row.values["birth_date"]),
            "is_official": parse_bool(row.values["is_official"]),
        }
        for row in table.rows
    ]


def expected_export() -> list[dict]:
    return [{"is_official": False, **row} for row in EXPORT]


def test_xlsx_export_round_trips_through_read_table():
    data = write_xlsx(COLUMNS, EXPORT, title="Đảng viên")
    table = read_table(data, "export.xlsx", COLUMNS)
    assert [row.number for row in table.rows] == [2, 3, 4]
    assert parsed(table) == expected_export()
    sheet = load(data).active
    assert sheet.freeze_panes == "A2"
    assert sheet["A3"].data_type == "s"
    assert sheet["C2"].value == "25/12/1990"


def test_csv_export_has_bom_and_round_trips_through_read_table():
    data = write_csv(COLUMNS, EXPORT)
    assert data.startswith(b"\xef\xbb\xbf" + "Số thẻ đảng viên,".encode())
    assert "\r\n001234567890,Nguyễn Văn An,25/12/1990,có\r\n".encode() in data
    assert parsed(read_table(data, "export.csv", COLUMNS)) == expected_export()


def test_exports_stream_many_rows():
    rows = (
        {"card_number": f"{i:012d}", "full_name": "Nguyễn Văn An", "birth_date": date(1990, 1, 1)}
        for i in range(5_000)
    )
    table = read_table(write_xlsx(COLUMNS, rows, title="x"), "x.xlsx", COLUMNS)
    assert len(table.rows) == 5_000
    assert table.rows[-1].values["card_number"] == "000000004999"


def error_sheet(data: bytes):
    return load(data).worksheets[0]


def test_error_copy_adds_messages_and_colours_keeping_rows_and_columns():
    upload = xlsx(
        [
            ["STT", *HEADERS],
            [1, "001", "Nguyễn Văn An", "31/02/1990", "có"],
            [None, None, None, None, None],
            [2, "002", "Lê B", excel_datetime(1990, 1, 2), None],
            [3, "003", "Trần C", None, None],
        ]
    )
    errors = [
        CellError(2, "birth_date", "31/02/1990", "Ngày 31/02/1990 không tồn tại"),
        CellError(2, "full_name", "Nguyễn Văn An", "Có thể trùng người", warning=True),
        CellError(4, "", None, "Đảng viên chuyển chi bộ", warning=True),
        CellError(0, "", None, "Tệp có lỗi chung"),
    ]
    sheet = error_sheet(write_error_copy(upload, "ds.xlsx", COLUMNS, errors))
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["STT", *HEADERS, "Lỗi"]
    assert rows[1] == [
        1,
        "001",
        "Nguyễn Văn An",
        "31/02/1990",
        "có",
        "Ngày sinh: Ngày 31/02/1990 không tồn tại\nCảnh báo: Họ và tên: Có thể trùng người",
    ]
    assert rows[3][:5] == [2, "002", "Lê B", "02/01/1990", None]
    assert rows[3][5] == "Cảnh báo: Đảng viên chuyển chi bộ"
    assert rows[4][:4] == [3, "003", "Trần C", None]
    assert sheet["D2"].fill.fgColor.rgb == RED
    assert sheet["C2"].fill.fgColor.rgb == YELLOW
    assert sheet["F2"].fill.fgColor.rgb == RED
    assert sheet["F4"].fill.fgColor.rgb == YELLOW
    assert sheet["B2"].fill.fgColor.rgb != RED
    assert sheet["A1"].font.b
    workbook = load(write_error_copy(upload, "ds.xlsx", COLUMNS, errors))
    assert [c.value for c in workbook["Lỗi chung"]["A"]] == ["Lỗi", "Tệp có lỗi chung"]


def test_corrected_error_copy_reads_back_like_the_original():
    upload = xlsx([["STT", *HEADERS], [1, "001", "An", "1/1/1990", None], [2, "002", "B"]])
    copy = write_error_copy(upload, "ds.xlsx", COLUMNS, [CellError(3, "full_name", "B", "Sai")])
    original = read_table(upload, "ds.xlsx", COLUMNS)
    again = read_table(copy, "ds-loi.xlsx", COLUMNS)
    assert again.rows == original.rows
    assert again.column_letters == original.column_letters


def test_error_copy_of_csv_and_xls_is_an_xlsx_with_the_same_rows():
    csv_upload = "Số thẻ đảng viên;Họ và tên\n1;An\n\n2;Bình\n".encode()
    sheet = error_sheet(
        write_error_copy(csv_upload, "ds.csv", COLUMNS, [CellError(4, "card_number", "2", "Trùng")])
    )
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Số thẻ đảng viên", "Họ và tên", "Lỗi"],
        ["1", "An", None],
        [None, None, None],
        ["2", "Bình", "Số thẻ đảng viên: Trùng"],
    ]
    assert sheet["A4"].fill.fgColor.rgb == RED
    xls_upload = biff8([HEADERS, ["1", "An", (DATE, 45000), True]])
    sheet = error_sheet(
        write_error_copy(xls_upload, "ds.xls", COLUMNS, [CellError(2, "birth_date", 1, "Sai")])
    )
    assert [c.value for c in sheet[2]] == ["1", "An", "15/03/2023", True, "Ngày sinh: Sai"]


def test_error_copy_lists_errors_for_rows_the_reader_did_not_return():
    upload = xlsx([HEADERS, ["1", "An", None, None]])
    sheet = error_sheet(write_error_copy(upload, "ds.xlsx", COLUMNS, [CellError(5, "", None, "X")]))
    assert sheet.max_row == 5
    assert sheet["E5"].value == "X"


def test_error_copy_without_a_usable_header_still_copies_rows():
    upload = xlsx([["A", "B"], [1, 2]])
    sheet = error_sheet(write_error_copy(upload, "ds.xlsx", COLUMNS, [CellError(2, "", 2, "Sai")]))
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["A", "B", "Lỗi"],
        [1, 2, "Sai"],
    ]


def test_error_copy_of_a_broken_file_raises_unreadable_file():
    from tusoi.tabular import UnreadableFile
    from tusoi.tabular.tests.corpus import replace_parts

    broken = replace_parts(xlsx([HEADERS]), {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData"})
    with pytest.raises(UnreadableFile):
        write_error_copy(broken, "ds.xlsx", COLUMNS, [CellError(2, "", None, "x")])
