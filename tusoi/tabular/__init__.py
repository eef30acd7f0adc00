"""Reading and writing the spreadsheets people exchange (xlsx, xls, csv), safely.

A library: it knows no TuSoi app. Imports describe their columns with `Column`, read an upload
with `read_table`, report problems as `CellError`, and write templates, error copies and exports
with the writers below. Hostile files raise `UnreadableFile` with a Vietnamese message.
"""

from tusoi.tabular.model import CellError, Column, Row, Table, UnreadableFile

__all__ = ["CellError", "Column", "Row", "Table", "UnreadableFile"]
