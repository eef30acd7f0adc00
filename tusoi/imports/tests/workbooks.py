"""Workbooks built by the tests, in the import format of a spec."""

import io

from openpyxl import Workbook

from tusoi.imports.specs import SPECS


def workbook(kind: str, rows: list[dict]) -> bytes:
    columns = SPECS[kind].columns
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in columns])
    for row in rows:
        ws.append([row.get(c.key) for c in columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def member_row(card: str, name: str, cell_code: str, **extra) -> dict:
    return {
        "card_number": card,
        "full_name": name,
        "birth_date": "17/05/1980",
        "gender": "Nam",
        "admitted_on": "02/03/2005",
        "official_on": "02/03/2006",
        "cell_code": cell_code,
        **extra,
    }
