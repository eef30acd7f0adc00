"""Turning raw cell values into dates, yes/no and clean text, with Vietnamese messages."""

import math
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from tusoi.core.text import clean_text, fold, looks_like_legacy_encoding

_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Excel's 1900 date system counts 1 = 01/01/1900 and keeps Lotus's fictitious 29/02/1900 (60),
# so from 61 on, serial N is N days after 30/12/1899.
_EXCEL_EPOCH = date(1899, 12, 30)
_MAX_SERIAL = (date(2199, 12, 31) - _EXCEL_EPOCH).days  # later than any real record
_DMY = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# Exports from databases often append a midnight time to a date ("1990-12-25 00:00:00").
_TIME_SUFFIX = re.compile(r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")

_TRUE = frozenset({"co", "c", "x", "1", "true", "yes", "y", "dung", "v"})
_FALSE = frozenset({"khong", "k", "0", "false", "no", "n", "sai", "-"})


def clean_cell(value: Any) -> Any:
    """A cell value as the readers hand it on: text cleaned (NFC, spaces), empty text -> None.

    Numbers, dates and booleans keep their type; dates are never reformatted here.
    """
    if isinstance(value, str):
        if not value.isprintable():  # control characters are never printable
            value = _CONTROL.sub("", value)
        return clean_text(value) or None
    return value


def _today() -> date:
    return datetime.now(_TZ).date()


def _from_serial(serial: float) -> date:
    if math.isnan(serial) or math.isinf(serial) or not 1 <= serial < _MAX_SERIAL + 1:
        raise ValueError(
            _("%(value)s is not a valid Excel date number") % {"value": _number_text(serial)}
        )
    days = math.floor(serial)
    if days == 60:
        raise ValueError(_("Date %(date)s does not exist") % {"date": "29/02/1900"})
    if days < 60:
        return date(1899, 12, 31) + timedelta(days=days)
    return _EXCEL_EPOCH + timedelta(days=days)


def _number_text(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _build(day: int, month: int, year: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        shown = f"{day:02d}/{month:02d}/{year:04d}"
        if month > 12 and day <= 12:
            raise ValueError(
                _(
                    "Date %(date)s does not exist (there is no month %(month)s); write the day "
                    "first: dd/mm/yyyy"
                )
                % {"date": shown, "month": month}
            ) from None
        raise ValueError(_("Date %(date)s does not exist") % {"date": shown}) from None


def parse_date(value: Any, *, today: date | None = None) -> date:
    """A date from a cell: a date, an Excel serial number or text dd/mm/yyyy (d/m/yy, dd-mm-yyyy,
    dd.mm.yyyy, yyyy-mm-dd). Raises ValueError with a Vietnamese message."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(
            _("“%(value)s” is not a date; write it as dd/mm/yyyy, e.g. 25/12/1990")
            % {"value": value}
        )
    if isinstance(value, int | float | Decimal):
        return _from_serial(float(value))
    text = clean_text(str(value)) if value is not None else ""
    if not text:
        raise ValueError(_("The date is empty; write it as dd/mm/yyyy, e.g. 25/12/1990"))
    match = _DMY.fullmatch(text)
    if match:
        day, month, year_text = int(match[1]), int(match[3]), match[4]
        year = int(year_text)
        if len(year_text) == 2:
            # Two-digit years mean the most recent such year that is not in the future.
            current = (today or _today()).year
            year += current - current % 100
            if year > current:
                year -= 100
        return _build(day, month, year)
    time_at = _TIME_SUFFIX.search(text, 10) if len(text) > 10 else None
    iso_text = text[:10] if time_at and time_at.end() == len(text) else text
    match = _ISO.fullmatch(iso_text)
    if match:
        return _build(int(match[3]), int(match[2]), int(match[1]))
    raise ValueError(
        _("“%(value)s” is not a date; write it as dd/mm/yyyy, e.g. 25/12/1990") % {"value": text}
    )


def parse_bool(value: Any) -> bool:
    """Yes/no from a cell: có/không, x, 1/0, true/false, yes/no, c/k; empty means no."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal) and value in (0, 1):
        return bool(value)
    word = fold(str(value))
    if word in _TRUE:
        return True
    if word in _FALSE or not word:
        return False
    raise ValueError(
        _("“%(value)s” is not yes or no; write “có” (or x) for yes and leave it empty for no")
        % {"value": clean_text(str(value))}
    )


def parse_text(value: Any) -> str:
    """Text from a cell: NFC, spaces cleaned, Excel numbers without ".0"; "" when empty.

    Raises ValueError when the text looks typed in a legacy TCVN3/VNI font.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = clean_text(_CONTROL.sub("", str(value)))
    if looks_like_legacy_encoding(text):
        raise ValueError(
            _("The text looks typed in a legacy font encoding (TCVN3/VNI); convert it to Unicode")
        )
    return text
