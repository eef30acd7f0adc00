"""Builders for the test corpus: clean, dirty and hostile workbooks made in memory.

.xls files are written by hand (an OLE2 container around a minimal BIFF8 stream), since xlrd
only reads and no .xls writer is a dependency.
"""

import io
import struct
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import openpyxl

from tusoi.tabular import Column

COLUMNS = [
    Column("card_number", "Số thẻ đảng viên", required=True, note="12 chữ số", kind="code"),
    Column("full_name", "Họ và tên", required=True, aliases=("Họ tên",)),
    Column("birth_date", "Ngày sinh", note="dd/mm/yyyy", kind="date"),
    Column("is_official", "Chính thức", note="có hoặc để trống", kind="bool"),
]
HEADERS = [column.header for column in COLUMNS]


def xlsx(rows: Iterable[Sequence[Any]], *, merges: Sequence[str] = (), sheets: int = 1) -> bytes:
    """A workbook whose first sheet holds `rows` from A1 (a value starting "=" is a formula)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    for row in rows:
        sheet.append(list(row))
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    for index in range(1, sheets):
        workbook.create_sheet(f"Trang {index + 1}").append(["ghi chú"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def replace_parts(workbook: bytes, parts: dict[str, bytes]) -> bytes:
    """The same zip with some parts replaced or added (written deflated)."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info.filename, source.read(info.filename))
        for name, content in parts.items():
            target.writestr(name, content)
    return buffer.getvalue()


def sheet_xml(rows_xml: bytes, tail: bytes = b"", dimension: str = "A1:D1") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="'
        + dimension.encode()
        + b'"/><sheetData>'
        + rows_xml
        + b"</sheetData>"
        + tail
        + b"</worksheet>"
    )


def inline_row(number: int, values: Sequence[str]) -> bytes:
    cells = b"".join(
        b'<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>'
        % (chr(ord("A") + i).encode(), number, value.encode())
        for i, value in enumerate(values)
    )
    return b'<row r="%d">%s</row>' % (number, cells)


def patch_central_sizes(archive: bytes, name: str, file_size: int) -> bytes:
    """Make the central directory claim `name` unpacks to `file_size` bytes."""
    data = bytearray(archive)
    target = name.encode()
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + name_length]) == target:
            struct.pack_into("<I", data, at + 24, file_size)
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


# --- OLE2 compound files and BIFF8


def ole2(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file holding `streams` (each padded past the 4,096-byte mini-stream
    cut-off so only the regular FAT is needed)."""
    sector = 512
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    padded = {
        name: data.ljust(max(4096, -(-len(data) // sector) * sector), b"\0")
        for name, data in streams.items()
    }
    fat = [fat_sector, end]  # sector 0: the FAT itself, sector 1: the directory
    starts = {}
    for name, data in padded.items():
        count = len(data) // sector
        starts[name] = len(fat)
        fat.extend(range(len(fat) + 1, len(fat) + count))
        fat.append(end)
    assert len(fat) <= 128, "one FAT sector is enough for the test corpus"
    fat_bytes = struct.pack("<128I", *(fat + [free] * (128 - len(fat))))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", free, right, child)
            + b"\0" * 36
            + struct.pack("<III", start, size, 0)
        )

    names = list(padded)
    directory = entry("Root Entry", 5, 1 if names else free, free, end, 0)
    for index, name in enumerate(names, start=1):
        right = index + 1 if index < len(names) else free
        directory += entry(name, 2, free, right, starts[name], len(padded[name]))
    directory = directory.ljust(-(-len(directory) // sector) * sector, b"\0")
    assert len(directory) == sector
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", 0, *([free] * 108))
    )
    assert len(header) == sector
    return header + fat_bytes + directory + b"".join(padded.values())


def _record(code: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", code, len(data)) + data


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))


def _unicode(text: str, length_bytes: int) -> bytes:
    fmt = "<BB" if length_bytes == 1 else "<HB"
    return struct.pack(fmt, len(text), 1) + text.encode("utf-16-le")


def excel_datetime(*parts: int) -> datetime:
    """A date as Excel cells hold it: a naive datetime (workbooks carry no time zone)."""
    return datetime(*parts)  # noqa: DTZ001


DATE = object()  # marks a cell as an Excel date serial: (DATE, 45000)


def biff8(
    rows: Iterable[Sequence[Any]],
    *,
    merges: Sequence[tuple[int, int, int, int]] = (),
    encrypted: bool = False,
) -> bytes:
    """A one-sheet .xls: str -> LABEL, bool -> BOOLERR, number -> NUMBER, (DATE, n) -> a
    date-formatted NUMBER. merges are 0-based (first_row, last_row, first_col, last_col)."""
    font = _record(
        0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + _unicode("Arial", 1)
    )

    def xf(format_key: int, style: bool) -> bytes:
        type_par = 0xFFF5 if style else 0x0001
        return _record(
            0x00E0, struct.pack("<HHHBBBBIiH", 0, format_key, type_par, 0x20, 0, 0, 0, 0, 0, 0x20C0)
        )

    cells = b""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, tuple) and value[0] is DATE:
                cells += _record(0x0203, struct.pack("<HHHd", r, c, 2, float(value[1])))
            elif isinstance(value, bool):
                cells += _record(0x0205, struct.pack("<HHHBB", r, c, 1, int(value), 0))
            elif isinstance(value, int | float):
                cells += _record(0x0203, struct.pack("<HHHd", r, c, 1, float(value)))
            else:
                cells += _record(0x0204, struct.pack("<HHH", r, c, 1) + _unicode(str(value), 2))
    merged = b""
    if merges:
        merged = _record(
            0x00E5,
            struct.pack("<H", len(merges)) + b"".join(struct.pack("<HHHH", *m) for m in merges),
        )
    sheet = _bof(0x0010) + cells + merged + _record(0x000A)

    def globals_(offset: int) -> bytes:
        return (
            _bof(0x0005)
            + (_record(0x002F, struct.pack("<HHH", 0, 0, 0) + b"\0" * 48) if encrypted else b"")
            + _record(0x0042, struct.pack("<H", 1200))
            + _record(0x0022, struct.pack("<H", 0))
            + font
            + xf(0, True)
            + xf(0, False)
            + xf(14, False)
            + _record(0x0085, struct.pack("<IBB", offset, 0, 0) + _unicode("Danh sách", 1))
            + _record(0x000A)
        )

    offset = len(globals_(0))
    return ole2({"Workbook": globals_(offset) + sheet})


def encrypted_xlsx() -> bytes:
    """What Excel writes for a password-protected .xlsx: an OLE2 file, not a zip."""
    return ole2(
        {"EncryptionInfo": b"\x04\x00\x04\x00" + b"\0" * 200, "EncryptedPackage": b"\0" * 5000}
    )


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258(text: str) -> bytes:
    """Text as Windows-1258 stores it: letters like â, ơ, đ precomposed, tones combining."""
    import re
    import unicodedata

    def cluster(match: "re.Match[str]") -> str:
        base, *marks = match[0]
        tones = "".join(mark for mark in marks if mark in _TONES)
        others = "".join(mark for mark in marks if mark not in _TONES)
        return unicodedata.normalize("NFC", base + others) + tones

    decomposed = unicodedata.normalize("NFD", text)
    return re.sub(r".[\u0300-\u036f]*", cluster, decomposed, flags=re.S).encode("cp1258")
