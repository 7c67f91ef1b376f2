"""One cell of an uploaded sheet read as a person sees it: text, a number or a time, whichever way
it was written (text from a CSV; the number, date or text an XLSX cell holds)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from pm_app.common.clock import CITY_TZ

_WHEN = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$", re.ASCII)


def cell_text(value) -> str:
    """A cell as the text a person sees: 101 not 101.0, 13812345678 not 1.3812345678e10."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_blank(cells: Sequence) -> bool:
    return all(cell_text(cell) == "" for cell in cells)


def decimal_cell(value) -> tuple[str, Decimal | None]:
    """The cell's text and its number (None when it is not one). A float cell goes through repr,
    the shortest text that is that float: 71.6, never 71.59999999999999 or float arithmetic."""
    if isinstance(value, float) and not value.is_integer():
        value = repr(value)
    text = cell_text(value)
    if isinstance(value, bool):
        return text, None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text, None
    return text, number if number.is_finite() else None


def has_fractional_fen(number: Decimal) -> bool:
    return number * 100 != (number * 100).to_integral_value()


def when_cell(value) -> datetime | None:
    """A date or time of the city, to the second: an XLSX date cell or text such as 2024-03-05,
    2024/3/5 or 2024-03-05 14:30. Seconds, because a payment's idempotency key is built on it and
    Excel's stored fractions of a day come back a microsecond off."""
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if not isinstance(value, datetime):
        match = _WHEN.match(cell_text(value))
        if match is None:
            return None
        try:
            value = datetime(*(int(part or 0) for part in match.groups()))
        except ValueError:  # 2024-02-30, 25:00
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=CITY_TZ)
    whole = value.replace(microsecond=0)
    return whole + timedelta(seconds=1) if value.microsecond >= 500_000 else whole
