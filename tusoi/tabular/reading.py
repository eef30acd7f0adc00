"""Reading an uploaded spreadsheet (.xlsx, .xls, .csv) into a `Table`, refusing hostile files.

The format comes from the content (magic bytes), not the name. Every problem with the file as a
whole becomes `UnreadableFile` with a Vietnamese message; nothing else escapes `read_table`.
"""

import codecs
import csv
import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, BinaryIO

from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.utils import get_column_letter

from tusoi.core.text import fold
from tusoi.tabular.model import Column, Row, Table, UnreadableFile
from tusoi.tabular.values import clean_cell

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
MAX_UNPACKED_BYTES = 250 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
# A ratio means nothing for a small part: a few hundred kilobytes cannot hurt whatever it packs.
RATIO_MIN_BYTES = 1024 * 1024
EMPTY_ROWS_STOP = 1000
HEADER_SEARCH_ROWS = 10
FORMULA_CELLS_SHOWN = 5

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
# Bare BIFF2–BIFF5 worksheets (no OLE2 container) start with a BOF record.
_BIFF_BOF = (b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08")
_MERGE_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref=[\"']"
    rb"([A-Za-z]{1,3})(\d{1,7})(?::([A-Za-z]{1,3})(\d{1,7}))?[\"']"
)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f]")


@dataclass
class RawRow:
    number: int  # the sheet's own row number
    values: list[Any]  # cleaned cell values, index 0 = column A
    formulas: tuple[int, ...] = ()  # indexes of cells holding a formula instead of a value


@dataclass
class RawSheet:
    name: str
    rows: Iterator[RawRow]  # non-empty rows only, in order
    merged: Callable[[], list[tuple[int, int, int, int]]]  # (min_row, min_col, max_row, max_col)
    other_sheets: list[str] = field(default_factory=list)


@dataclass
class Header:
    row: RawRow
    by_index: dict[int, Column]  # 0-based sheet column index -> importer column


def _max_bytes_default() -> int:
    try:
        from django.conf import settings

        return int(getattr(settings, "TUSOI_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))
    except Exception:  # settings not configured: a library call outside Django
        return DEFAULT_MAX_BYTES


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.0f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def _take_bytes(data: bytes | BinaryIO, max_bytes: int | None) -> bytes:
    limit = _max_bytes_default() if max_bytes is None else max_bytes
    if isinstance(data, bytes | bytearray | memoryview):
        content = bytes(data)
    else:
        content = data.read(limit + 1)
    if len(content) > limit:
        raise UnreadableFile(
            _("The file is larger than the limit of %(limit)s. Split it into smaller files.")
            % {"limit": _human_size(limit)}
        )
    if not content.strip():
        raise UnreadableFile(_("The file is empty."))
    return content


def _not_a_spreadsheet() -> UnreadableFile:
    return UnreadableFile(
        _("This file is not a spreadsheet. Upload an Excel file (.xlsx, .xls) or a .csv file.")
    )


def _damaged() -> UnreadableFile:
    return UnreadableFile(
        _(
            "The workbook cannot be read; it may be damaged. Open it in Excel, save it again as "
            "Excel Workbook (.xlsx) and upload it again."
        )
    )


def _password_protected() -> UnreadableFile:
    return UnreadableFile(
        _(
            "The workbook is protected with a password. Open it in Excel, remove the password "
            "(File → Info → Protect Workbook → Encrypt with Password), save and upload it again."
        )
    )


def refusal_for(error: BaseException, filename: str) -> UnreadableFile:
    """The message for a parser's exception; openpyxl wraps the defusedxml one in ValueError."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return _unsafe_xml()
        cause = cause.__cause__ or cause.__context__
    logger.warning("Unreadable spreadsheet %r", filename, exc_info=error)
    return _damaged()


def _unsafe_xml() -> UnreadableFile:
    return UnreadableFile(
        _("The workbook contains unsafe XML (entity declarations) and was refused.")
    )


# ---------------------------------------------------------------------------------------------
# Opening: one function per format, each returning the first non-empty sheet.


def open_first_sheet(data: bytes, filename: str) -> RawSheet:
    """The first sheet with data, whatever the format; UnreadableFile for anything else."""
    head = data[:8]
    try:
        if head.startswith(_ZIP):
            return _open_xlsx(data)
        if head == _OLE2:
            return _open_ole2(data)
        if head.startswith(b"%PDF"):
            raise UnreadableFile(
                _("This is a PDF file, not a spreadsheet. Upload the Excel file (.xlsx, .xls).")
            )
        if head[:2] in _BIFF_BOF:
            return _open_xls(data)
        return _open_csv(data)
    except UnreadableFile:
        raise
    except Exception as error:
        raise refusal_for(error, filename) from None


def _first_non_empty(
    sheets: Iterable[tuple[str, Iterator[RawRow], Callable[[], list]]], names: list[str]
) -> RawSheet:
    for name, rows, merged in sheets:
        first = next(rows, None)
        if first is not None:
            others = [other for other in names if other != name]
            return RawSheet(name, chain([first], rows), merged, others)
    raise UnreadableFile(_("The file has no data: every sheet is empty."))


def _stop_after_empty_rows(rows: Iterable[tuple[int, list[Any], tuple[int, ...]]]):
    """Non-empty rows, stopping after EMPTY_ROWS_STOP empty rows in a row (formatted blanks)."""
    last = 0
    for number, values, formulas in rows:
        if number - last > EMPTY_ROWS_STOP:
            return
        if formulas or any(value is not None for value in values):
            last = number
            yield RawRow(number, values, formulas)


# --- xlsx


def _check_zip(archive: zipfile.ZipFile) -> None:
    infos = archive.infolist()
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES or any(
        info.file_size > RATIO_MIN_BYTES
        and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
        for info in infos
    ):
        raise UnreadableFile(
            _(
                "The workbook unpacks to far more data than its size suggests (a “zip bomb”) "
                "and was refused."
            )
        )
    names = {info.filename for info in infos}
    if any(name.startswith("word/") for name in names):
        raise UnreadableFile(
            _("This is a Word document, not a spreadsheet. Upload the Excel file (.xlsx, .xls).")
        )
    if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
        raise _not_a_spreadsheet()


def _open_xlsx(data: bytes) -> RawSheet:
    """Values come from calamine (a Rust reader, about ten times openpyxl's speed); formulas,
    merged header cells and unsafe XML are found by scanning the sheet's XML bytes ourselves."""
    from python_calamine import CalamineWorkbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _damaged() from None
    _check_zip(archive)
    _check_xml_declarations(archive)
    paths = _xlsx_sheet_paths(archive)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    names = list(workbook.sheet_names)

    def one(index: int, name: str):
        path = paths.get(name, "")
        sheet = workbook.get_sheet_by_index(index)
        formulas = _xlsx_formulas(archive, path) if path else {}
        return (
            name,
            _stop_after_empty_rows(_calamine_rows(sheet, formulas)),
            lambda: _xlsx_merges(archive, path) if path else [],
        )

    return _first_non_empty((one(i, n) for i, n in enumerate(names)), names)


_XML_DANGER = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _check_xml_declarations(archive: zipfile.ZipFile) -> None:
    """Refuse any part declaring a DTD or entities (the way to an XML bomb); a declaration can
    only come before the root element, so the first few kilobytes of each part tell."""
    for info in archive.infolist():
        if info.filename.endswith((".xml", ".rels", ".vml")):
            with archive.open(info) as part:
                if _XML_DANGER.search(part.read(8192)):
                    raise _unsafe_xml()


_SHEET_ENTRY = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet\b[^>]*>")
_ATTR = re.compile(rb"([\w:]+)=[\"']([^\"']*)[\"']")


def _xlsx_sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part, from xl/workbook.xml and its relationships."""
    from xml.sax.saxutils import unescape

    try:
        workbook_xml = archive.read("xl/workbook.xml")
        rels_xml = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {}
    for tag in re.findall(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\b[^>]*>", rels_xml):
        attrs = dict(_ATTR.findall(tag))
        target = attrs.get(b"Target", b"").decode()
        target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[attrs.get(b"Id", b"").decode()] = target
    paths = {}
    for tag in _SHEET_ENTRY.findall(workbook_xml):
        attrs = {k.split(b":")[-1]: v for k, v in _ATTR.findall(tag)}
        name = unescape(attrs.get(b"name", b"").decode(), {"&quot;": '"', "&apos;": "'"})
        paths[name] = targets.get(attrs.get(b"id", b"").decode(), "")
    return paths


_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_CELL_REF = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*?\br=[\"']([A-Za-z]{1,3})(\d{1,7})[\"']")
_CELL_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>]")


def _xlsx_formulas(archive: zipfile.ZipFile, path: str) -> dict[int, set[int]]:
    """Row number -> 0-based columns of cells holding a formula, streamed in 1 MB chunks."""
    from openpyxl.utils import column_index_from_string

    found: dict[int, set[int]] = {}
    tail = b""
    with archive.open(path) as source:
        while chunk := source.read(1024 * 1024):
            buffer = tail + chunk
            for match in _FORMULA.finditer(buffer):
                starts = list(
                    _CELL_START.finditer(buffer, max(0, match.start() - 400), match.start())
                )
                if not starts:
                    continue
                cell = _CELL_REF.match(buffer, starts[-1].start())
                if cell:
                    column = column_index_from_string(cell[1].decode().upper()) - 1
                    found.setdefault(int(cell[2]), set()).add(column)
            tail = buffer[-512:]
    return found


def _calamine_rows(sheet, formulas: dict[int, set[int]]):
    """(row number, cleaned values, formula columns) for every row from row 1."""
    for number, cells in enumerate(sheet.to_python(skip_empty_area=False), start=1):
        values = [None if cell == "" else clean_cell(cell) for cell in cells]
        yield number, values, tuple(sorted(formulas.get(number, ())))


def _xlsx_merges(archive: zipfile.ZipFile, path: str) -> list[tuple[int, int, int, int]]:
    """Merged ranges near the top, found by scanning the sheet's XML as a byte stream.

    read_only mode does not expose merges, and <mergeCells> comes after all the rows, so the
    part is streamed once in 1 MB chunks: fast and flat in memory even for a million rows.
    """
    from openpyxl.utils import column_index_from_string

    found: list[tuple[int, int, int, int]] = []
    tail = b""
    with archive.open(path) as source:
        while chunk := source.read(1024 * 1024):
            buffer = tail + chunk
            end = 0
            for match in _MERGE_CELL.finditer(buffer):
                end = match.end()
                first_row = int(match[2])
                last_row = int(match[4] or match[2])
                if first_row <= HEADER_SEARCH_ROWS and len(found) < 10_000:
                    first_col = column_index_from_string(match[1].decode().upper())
                    last_col = column_index_from_string((match[3] or match[1]).decode().upper())
                    found.append((first_row, first_col, last_row, last_col))
            tail = buffer[max(end, len(buffer) - 512) :]
    return found


# --- OLE2: .xls, or an encrypted .xlsx


def _ole2_stream_names(data: bytes) -> set[str]:
    from xlrd.compdoc import CompDoc

    try:
        return {node.name for node in CompDoc(data, logfile=io.StringIO()).dirlist}
    except Exception:
        return {"EncryptedPackage"} if "EncryptedPackage".encode("utf-16-le") in data else set()


def _open_ole2(data: bytes) -> RawSheet:
    names = _ole2_stream_names(data)
    if "EncryptedPackage" in names or "EncryptionInfo" in names:
        raise _password_protected()
    if "WordDocument" in names:
        raise UnreadableFile(
            _("This is a Word document, not a spreadsheet. Upload the Excel file (.xlsx, .xls).")
        )
    return _open_xls(data)


def _open_xls(data: bytes) -> RawSheet:
    import xlrd

    log = io.StringIO()
    try:
        try:
            book = xlrd.open_workbook(
                file_contents=data, formatting_info=True, on_demand=True, logfile=log
            )
        except NotImplementedError:  # formatting_info is BIFF8-only; older files lose merges
            book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=log)
    except xlrd.XLRDError as error:
        if "encrypted" in str(error).lower():
            raise _password_protected() from None
        if "workbook" in str(error).lower() and "ole2" in str(error).lower():
            raise _not_a_spreadsheet() from None
        raise _damaged() from None

    def one(index: int):
        sheet = book.sheet_by_index(index)
        merges = [
            (rlo + 1, clo + 1, rhi, chi)
            for rlo, rhi, clo, chi in getattr(sheet, "merged_cells", [])
        ]
        return sheet.name, _stop_after_empty_rows(_xls_rows(book, sheet)), lambda: merges

    return _first_non_empty((one(i) for i in range(book.nsheets)), book.sheet_names())


def _xls_value(book, cell) -> Any:
    import xlrd

    kind, value = cell.ctype, cell.value
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_TEXT:
        return clean_cell(value)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#ERR")
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(value, book.datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            pass
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)  # BIFF stores every number as a double; 12345.0 is a code
    return value


def _xls_rows(book, sheet) -> Iterator[tuple[int, list[Any], tuple[int, ...]]]:
    for index in range(sheet.nrows):
        yield index + 1, [_xls_value(book, cell) for cell in sheet.row(index)], ()


# --- csv


def _decode_text(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258")  # Windows' Vietnamese code page; NFC comes with cleaning
    except UnicodeDecodeError:
        raise _not_a_spreadsheet() from None


def _open_csv(data: bytes) -> RawSheet:
    text = _decode_text(data)
    sample = text[:8192]
    if "\x00" in sample or len(_CONTROL_CHARS.findall(sample)) > len(sample) // 100:
        raise _not_a_spreadsheet()
    start = sample.lstrip()[:1024].lower()
    if start.startswith("<"):
        if "<html" in start or "<table" in start or "<!doctype html" in start:
            raise UnreadableFile(
                _(
                    "This file is a web page (HTML) saved with a spreadsheet name. Open it in "
                    "Excel, save it as Excel Workbook (.xlsx) and upload it again."
                )
            )
        if "urn:schemas-microsoft-com:office:spreadsheet" in sample:
            raise UnreadableFile(
                _(
                    "This is an old XML Spreadsheet 2003 file. Open it in Excel, save it as "
                    "Excel Workbook (.xlsx) and upload it again."
                )
            )
        raise _not_a_spreadsheet()
    lines = text.splitlines(keepends=True)
    delimiter = None
    if lines and re.fullmatch(r"sep=(.)\r?\n?", lines[0]):
        delimiter = lines[0][4]  # Excel's hint line, which Excel itself hides
        text = "".join(lines[1:])
    if delimiter is None:
        delimiter = _sniff_delimiter(lines[0] if lines else "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows():
        try:
            for number, record in enumerate(reader, start=1):
                yield number, [clean_cell(value) for value in record], ()
        except csv.Error:
            raise _damaged() from None

    return _first_non_empty([("CSV", _stop_after_empty_rows(rows()), list)], ["CSV"])


def _sniff_delimiter(header_line: str) -> str:
    best, best_count = ",", 1
    for candidate in (",", ";", "\t"):
        count = len(next(csv.reader([header_line], delimiter=candidate), []))
        if count > best_count:
            best, best_count = candidate, count
    return best


# ---------------------------------------------------------------------------------------------
# The header and the rows.


def _header_key(value: Any) -> str:
    # Templates sometimes mark required headers with "*" or "(bắt buộc)".
    text = fold(str(value)) if value is not None else ""
    text = re.sub(r"\s*\((?:bat buoc|required)\)\s*$", "", text)
    return text.rstrip(" *:").strip()


def _header_lookup(columns: list[Column]) -> dict[str, Column]:
    lookup: dict[str, Column] = {}
    for column in columns:
        for spelling in (column.header, *column.aliases, column.key, column.key.replace("_", " ")):
            lookup.setdefault(_header_key(spelling), column)
    lookup.pop("", None)
    return lookup


def _match(row: RawRow, lookup: dict[str, Column]) -> dict[int, Column]:
    matched: dict[int, Column] = {}
    for index, value in enumerate(row.values):
        column = lookup.get(_header_key(value))
        if column is not None:
            matched.setdefault(index, column)
    return matched


def _quoted(columns: Iterable[Column]) -> str:
    return ", ".join(f"“{column.header}”" for column in columns)


def find_header(rows: Iterator[RawRow], columns: list[Column]) -> tuple[Header, Iterator[RawRow]]:
    """Row 1 as the header, checked against the columns; the rest of the rows after it."""
    top: list[RawRow] = []
    later: list[RawRow] = []
    for row in rows:
        if row.number > HEADER_SEARCH_ROWS:
            later.append(row)
            break
        top.append(row)
    lookup = _header_lookup(columns)
    required = [column for column in columns if column.required]
    first = top[0] if top and top[0].number == 1 else RawRow(1, [])
    matched = _match(first, lookup)
    missing = [column for column in required if column not in matched.values()]

    if not matched or missing:
        for row in top:
            other = _match(row, lookup)
            if (
                row.number > 1
                and len(other) > len(matched)
                and all(column in other.values() for column in required)
            ):
                raise UnreadableFile(
                    _(
                        "The header must be in row 1, but row %(row)s looks like the header. "
                        "Delete the rows above it and upload again."
                    )
                    % {"row": row.number}
                )
        if not matched:
            raise UnreadableFile(
                _("Row 1 has none of the expected column headers: %(columns)s.")
                % {"columns": _quoted(columns)}
            )
        raise UnreadableFile(
            ngettext(
                "The required column %(columns)s is missing from row 1.",
                "The required columns %(columns)s are missing from row 1.",
                len(missing),
            )
            % {"columns": _quoted(missing)}
        )

    seen: dict[str, list[str]] = {}
    for index, column in matched.items():
        seen.setdefault(column.key, []).append(get_column_letter(index + 1))
    for key, letters in seen.items():
        if len(letters) > 1:
            column = next(c for c in columns if c.key == key)
            raise UnreadableFile(
                _("The column “%(column)s” appears more than once (columns %(letters)s).")
                % {"column": column.header, "letters": ", ".join(letters)}
            )
    rest = chain(top[1:] if top and top[0].number == 1 else top, later, rows)
    return Header(first, matched), rest


def _check_merged_header(sheet: RawSheet) -> None:
    merged = [r for r in sheet.merged() if r[0] <= 1 <= r[2] and (r[0], r[1]) != (r[2], r[3])]
    if merged:
        ranges = ", ".join(
            f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
            for r1, c1, r2, c2 in merged[:5]
        )
        raise UnreadableFile(
            _(
                "Header cells %(ranges)s are merged. Unmerge them so that each column has its "
                "own header in row 1, then upload again."
            )
            % {"ranges": ranges}
        )


def data_rows(header: Header, rows: Iterator[RawRow]) -> Iterator[RawRow]:
    """Rows with a value in an importer column; stops after EMPTY_ROWS_STOP rows without one."""
    last = header.row.number
    for row in rows:
        if row.number - last > EMPTY_ROWS_STOP:
            return
        if row.formulas or any(
            index < len(row.values) and row.values[index] is not None for index in header.by_index
        ):
            last = row.number
            yield row


def _formula_error(cells: list[str], total: int) -> UnreadableFile:
    shown = ", ".join(cells) + (", …" if total > len(cells) else "")
    return UnreadableFile(
        ngettext(
            "Cell %(cells)s contains a formula; paste the values instead (Paste Special → "
            "Values) and upload again.",
            "Cells %(cells)s contain formulas; paste the values instead (Paste Special → "
            "Values) and upload again.",
            total,
        )
        % {"cells": shown}
    )


def read_table(
    data: bytes | BinaryIO,
    filename: str,
    columns: list[Column],
    *,
    max_bytes: int | None = None,
) -> Table:
    """The first non-empty sheet of an upload as a Table of the importer's columns.

    Row 1 is the header; headers match columns by folded text (header, aliases, key); other
    columns are ignored. Text is cleaned (NFC, spaces); numbers, dates and booleans keep their
    type; empty cells are None; empty rows are skipped. Raises UnreadableFile with a Vietnamese
    message for anything that is not a readable table.
    """
    content = _take_bytes(data, max_bytes)
    try:
        return _read(content, filename, columns)
    except UnreadableFile:
        raise
    except Exception as error:
        raise refusal_for(error, filename) from None


def _read(content: bytes, filename: str, columns: list[Column]) -> Table:
    sheet = open_first_sheet(content, filename)
    header, rest = find_header(sheet.rows, columns)
    _check_merged_header(sheet)
    order = sorted(header.by_index.items())
    table = Table(
        columns=[column for _index, column in order],
        column_letters={column.key: get_column_letter(i + 1) for i, column in order},
        source_name=filename,
        sheet_name=sheet.name,
    )
    if sheet.other_sheets:
        table.warnings.append(
            _("Only the sheet “%(sheet)s” was read; the other sheets were ignored: %(others)s.")
            % {"sheet": sheet.name, "others": ", ".join(f"“{n}”" for n in sheet.other_sheets)}
        )
    formula_cells: list[str] = []
    formula_total = 0
    for row in data_rows(header, rest):
        width = len(row.values)
        for index in row.formulas:
            if index in header.by_index:
                formula_total += 1
                if len(formula_cells) < FORMULA_CELLS_SHOWN:
                    formula_cells.append(f"{get_column_letter(index + 1)}{row.number}")
        values = {
            column.key: row.values[index] if index < width else None for index, column in order
        }
        if any(value is not None for value in values.values()):
            table.rows.append(Row(row.number, values))
    if formula_total:
        raise _formula_error(formula_cells, formula_total)
    return table
