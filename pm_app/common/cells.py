"""Typed export cells: what a column holds, declared once where the export lists its columns.

A column's getter returns `money(fen)`, `percent(rate, text)`, `day(d)`, `moment(dt)` or
`count(n)` instead of a string. The CSV writer prints each cell's `text`, exactly what it printed
when every getter returned text ("1234.50", "81.3 %", "2024-03-01 09:30"); the XLSX writer stores
its `value` as a number, date or datetime with `number_format`, so a spreadsheet can sum the
money, sort the dates and chart the rates. Plain strings stay text cells in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _

from pm_app.common.clock import CITY_TZ
from pm_app.common.money import dm2_to_m2, fen_to_yuan, yuan_display

# Excel's number formats for each kind (also what LibreOffice and WPS read).
FORMATS = {
    "money": "#,##0.00",
    "area": "#,##0.00",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "seconds": "yyyy-mm-dd hh:mm:ss",
    "int": "0",
}


@dataclass(frozen=True, slots=True)
class Cell:
    value: object  # what the XLSX cell stores: Decimal, float, int, date or naive city datetime
    text: str  # what the CSV cell says
    kind: str  # a key of FORMATS
    shown: str | None = None  # how wide it reads in a spreadsheet, when not `text`

    @property
    def number_format(self) -> str:
        return FORMATS[self.kind]

    @property
    def width_text(self) -> str:
        return self.shown or self.text

    def __str__(self) -> str:
        return self.text


def money(fen: int | None) -> Cell | str:
    """Yuan from integer fen: the CSV keeps "1234.50"; the XLSX cell is the number 1234.5
    (a Decimal, so no float ever touches the amount) shown as 1,234.50."""
    if fen is None:
        return ""
    return Cell(Decimal(fen) / 100, fen_to_yuan(fen), "money", yuan_display(fen))


def area(dm2: int | None) -> Cell | str:
    """A floor area kept in dm²: "1234.50" m² in the CSV, the number 1,234.50 in the XLSX."""
    if dm2 is None:
        return ""
    return Cell(Decimal(dm2) / 100, dm2_to_m2(dm2), "area")


def percent(rate: Decimal | float | None, text: str) -> Cell | str:
    """A share (0.8125) with the text the page shows ("81.3 %"); no rate stays the page's "—"."""
    if rate is None:
        return text
    return Cell(float(rate), text, "percent")


def day(value: date | None) -> Cell | str:
    if value is None:
        return ""
    return Cell(value, value.isoformat(), "date")


def moment(value: datetime | None, seconds: bool = False) -> Cell | str:
    """A stored UTC time as the city's wall-clock time: spreadsheets have no time zones, so the
    cell holds the Beijing time a reader expects (the export's title row says so)."""
    if value is None:
        return ""
    local = value.astimezone(CITY_TZ).replace(tzinfo=None, microsecond=0)
    if seconds:
        return Cell(local, local.strftime("%Y-%m-%d %H:%M:%S"), "seconds")
    local = local.replace(second=0)
    return Cell(local, local.strftime("%Y-%m-%d %H:%M"), "datetime")


def count(value: int | None) -> Cell | str:
    if value is None:
        return ""
    return Cell(int(value), str(value), "int")


def scope_of(user) -> str:
    """The part of the city a user's export covers, for the title row: the whole city for the
    regulator and the administrator, else the user's streets, firm or compound by name."""
    role = getattr(user.role, "value", user.role)
    if role in ("regulator", "admin"):
        return _("Whole city")
    if role == "street_officer" and user.streets:
        return "、".join(street.name for street in user.streets)
    if role == "committee_member" and user.compound is not None:
        return user.compound.name
    if user.firm is not None:
        return user.firm.name
    return ""
