"""The shapes shared by readers, validators and writers."""

from dataclasses import dataclass, field
from typing import Any


class UnreadableFile(Exception):
    """The file cannot be read as a table; `message` says why, in Vietnamese, for a person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Column:
    key: str  # field name used by the importer ("card_number")
    header: str  # header text in the template and exports (Vietnamese, e.g. "Số thẻ đảng viên")
    required: bool = False
    note: str = ""  # shown as a note in the template (format, allowed values)
    kind: str = "text"  # "text", "date", "bool", "choice", "code"
    aliases: tuple[str, ...] = ()  # other header spellings accepted on import


@dataclass
class Row:
    number: int  # 1-based row number in the sheet, as a person sees it (header is row 1)
    values: dict[str, Any]  # column key -> raw cell value (str, int, float, datetime, None)


@dataclass
class Table:
    columns: list[Column]  # the importer's columns found in the header, in sheet order
    column_letters: dict[str, str]  # column key -> sheet column letter ("A", "B", …)
    rows: list[Row] = field(default_factory=list)
    source_name: str = ""
    sheet_name: str = ""
    warnings: list[str] = field(default_factory=list)  # Vietnamese notes that block nothing


@dataclass(frozen=True)
class CellError:
    row: int  # sheet row number (0 for a problem with the whole file)
    column: str  # column key ("" for the whole row)
    value: Any
    message: str  # Vietnamese
    warning: bool = False  # warnings do not block the import
