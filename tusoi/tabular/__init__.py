"""Reading and writing the spreadsheets people exchange (xlsx, xls, csv), safely.

A library: it knows no TuSoi app. Imports describe their columns with `Column`, read an upload
with `read_table`, turn cells into values with `parse_date`, `parse_bool` and `parse_text`,
report problems as `CellError`, and write templates, error copies and exports with the writers
below. Hostile files raise `UnreadableFile` with a Vietnamese message.
"""

from tusoi.tabular.model import CellError, Column, Row, Table, UnreadableFile
from tusoi.tabular.reading import read_table
from tusoi.tabular.values import parse_bool, parse_date, parse_text
from tusoi.tabular.writing import write_csv, write_error_copy, write_template, write_xlsx

__all__ = [
    "CellError",
    "Column",
    "Row",
    "Table",
    "UnreadableFile",
    "parse_bool",
    "parse_date",
    "parse_text",
    "read_table",
    "write_csv",
    "write_error_copy",
    "write_template",
    "write_xlsx",
]
