"""Writing templates, error copies and exports in the exact import format.

Exports write what the template asks people to type: text cells, dates as dd/mm/yyyy text,
yes/no as "có" or empty. So export → import gives back the same values, and cells people edit
later stay text (Excel does not turn a code "0012" into 12 or 05/12 into 12 May).
"""

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from itertools import chain
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tusoi.tabular.model import CellError, Column, UnreadableFile
from tusoi.tabular.reading import (
    EMPTY_ROWS_STOP,
    RawRow,
    data_rows,
    find_header,
    open_first_sheet,
    refusal_for,
)

TEXT_FORMAT = "@"
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
_WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
_WRAP = Alignment(wrap_text=True, vertical="top")
_BAD_TITLE_CHARS = str.maketrans({ch: " " for ch in "[]:*?/\\"})


def _sheet_title(title: str) -> str:
    return (title.translate(_BAD_TITLE_CHARS).strip() or "Sheet")[:31]


def _width(header: str) -> float:
    return min(max(len(header) + 4, 12), 50)


def export_text(value: Any) -> str | int | float | Decimal | None:
    """A value as the import format writes it: dates dd/mm/yyyy, yes = "có", no = empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _("yes") if value else None
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, int | float | Decimal):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _text_cell(sheet, value: Any, *, fill: PatternFill | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        # A name or code starting with "=" must stay text, never become a formula.
        cell.data_type = "s"
        cell.number_format = TEXT_FORMAT
    if fill is not None:
        cell.fill = fill
    return cell


def _header_cells(sheet, headers: list[str]) -> list[WriteOnlyCell]:
    cells = []
    for header in headers:
        cell = _text_cell(sheet, header)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cells.append(cell)
    return cells


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_template(columns: list[Column], *, title: str) -> bytes:
    """An empty .xlsx in the import format: bold frozen header with a note on each cell, text
    columns, and a "Hướng dẫn" sheet listing each column, whether it is required, and its note."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(title)
    required_text = _("required")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.data_type = "s"
        cell.font = Font(bold=True, color="C00000" if column.required else None)
        cell.fill = _HEADER_FILL
        note = "\n".join(
            part for part in (f"({required_text})" if column.required else "", column.note) if part
        )
        if note:
            comment = Comment(note, "TuSoi")
            comment.width, comment.height = 300, 120
            cell.comment = comment
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _width(column.header)
        # Typed values stay text: codes keep leading zeros, dates keep the day first.
        sheet.column_dimensions[letter].number_format = TEXT_FORMAT
    sheet.freeze_panes = "A2"

    guide = workbook.create_sheet(_sheet_title(_("Instructions")))
    guide.append([_("Column"), _("Required"), _("Note")])
    for cell in guide[1]:
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
    for column in columns:
        guide.append([column.header, _("yes") if column.required else _("no"), column.note])
    guide.column_dimensions["A"].width = 30
    guide.column_dimensions["B"].width = 12
    guide.column_dimensions["C"].width = 80
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = _WRAP
    guide.freeze_panes = "A2"
    return _save(workbook)


def write_xlsx(columns: list[Column], rows: Iterable[dict[str, Any]], *, title: str) -> bytes:
    """An export in the import format, streamed (write-only) so 100,000 rows stay flat."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(title))
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _width(column.header)
    sheet.freeze_panes = "A2"
    sheet.append(_header_cells(sheet, [column.header for column in columns]))
    keys = [column.key for column in columns]
    for row in rows:
        sheet.append([_text_cell(sheet, export_text(row.get(key))) for key in keys])
    return _save(workbook)


def write_csv(columns: list[Column], rows: Iterable[dict[str, Any]]) -> bytes:
    """An export as UTF-8 CSV with a BOM (so Excel shows Vietnamese), in the import format."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.header for column in columns])
    keys = [column.key for column in columns]
    for row in rows:
        writer.writerow(["" if (v := export_text(row.get(key))) is None else v for key in keys])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def _copy_value(sheet, value: Any, fill: PatternFill | None) -> Any:
    if isinstance(value, datetime | date):
        value = export_text(value)
    elif isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if fill is None and not isinstance(value, str):
        return value
    return _text_cell(sheet, value, fill=fill)


def write_error_copy(
    data: bytes, filename: str, columns: list[Column], errors: list[CellError]
) -> bytes:
    """The uploaded table as .xlsx with an error column; see `_error_copy`. A file that cannot
    be read raises UnreadableFile, as read_table does."""
    try:
        return _error_copy(data, filename, columns, errors)
    except UnreadableFile:
        raise
    except Exception as error:
        raise refusal_for(error, filename) from None


def _error_copy(
    data: bytes, filename: str, columns: list[Column], errors: list[CellError]
) -> bytes:
    """The uploaded table as .xlsx, rows where they were, with a column "Lỗi" after the headed
    columns holding each row's messages; bad cells filled red, warnings yellow. Problems with
    the whole file (row 0) go to a second sheet. Column letters of the headed columns stay."""
    source = open_first_sheet(data, filename)
    positions: dict[str, int] = {}
    try:
        header, rows = find_header(source.rows, columns)
        header_row = header.row
        positions = {column.key: index for index, column in header.by_index.items()}
        body: Iterator[RawRow] = data_rows(header, rows)
    except UnreadableFile:
        # No usable header: copy the rows as they are, with the messages.
        source = open_first_sheet(data, filename)
        first = next(source.rows, None)
        if first is not None and first.number == 1:
            header_row, body = first, source.rows
        else:
            header_row = RawRow(1, [])
            body = chain([first], source.rows) if first is not None else iter(())

    headers = {column.key: column.header for column in columns}
    messages: dict[int, list[str]] = defaultdict(list)
    fills: dict[int, dict[int, PatternFill]] = defaultdict(dict)
    row_fill: dict[int, PatternFill] = {}
    general: list[CellError] = []
    warning_word = _("Warning")
    for error in sorted(errors, key=lambda e: (e.row, e.warning)):
        if error.row <= 0:
            general.append(error)
            continue
        label = headers.get(error.column, error.column)
        text = f"{label}: {error.message}" if label else error.message
        messages[error.row].append(f"{warning_word}: {text}" if error.warning else text)
        fill = _WARNING_FILL if error.warning else _ERROR_FILL
        row_fill.setdefault(error.row, fill)
        index = positions.get(error.column)
        if index is not None:
            fills[error.row].setdefault(index, fill)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(source.name))
    sheet.freeze_panes = "A2"
    head = list(header_row.values)
    while head and head[-1] is None:
        head.pop()
    error_column = max(len(head), 1)
    sheet.column_dimensions[get_column_letter(error_column + 1)].width = 60
    head_cells = _header_cells(sheet, ["" if v is None else str(v) for v in head])
    head_cells.extend([None] * (error_column - len(head_cells)))
    sheet.append([*head_cells, *_header_cells(sheet, [_("Errors")])])
    written = 1

    def emit(row: RawRow) -> None:
        nonlocal written
        for _gap in range(written + 1, row.number):
            sheet.append([])
        row_fills = fills.get(row.number, {})
        cells = [
            _copy_value(sheet, value, row_fills.get(index))
            for index, value in enumerate(row.values)
        ]
        named, beyond = cells[:error_column], cells[error_column:]
        named.extend([None] * (error_column - len(named)))
        note = None
        if row.number in messages:
            note = _text_cell(sheet, "\n".join(messages[row.number]), fill=row_fill[row.number])
            note.alignment = _WRAP
        sheet.append([*named, note, *beyond])
        written = row.number

    pending = sorted(number for number in messages if number > 1)
    last_data = 1
    for row in body:
        if row.number <= written:
            continue
        if row.number - last_data > EMPTY_ROWS_STOP:
            break
        while pending and pending[0] < row.number:
            emit(RawRow(pending.pop(0), []))
        if pending and pending[0] == row.number:
            pending.pop(0)
        emit(row)
        last_data = row.number
    for number in pending:
        emit(RawRow(number, []))

    if general:
        extra = workbook.create_sheet(_sheet_title(_("File errors")))
        extra.column_dimensions["A"].width = 100
        extra.append(_header_cells(extra, [_("Errors")]))
        for error in general:
            extra.append([_text_cell(extra, error.message)])
    return _save(workbook)
