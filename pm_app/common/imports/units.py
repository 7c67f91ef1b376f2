"""Units written in a header, "应收金额(万元)" or "质保期（月）": honoured or refused, never dropped.

A column that measures something declares its kind; the unit in its header then says how to read
its numbers (`factor` in the column's base unit), and a unit the kind does not know is refused
naming the column, so 24 months can never be read as 24 years. For columns that measure nothing
(a date, a name) a bracket is a note ("办理时限(天)") and is left aside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

_BRACKET = re.compile(r"\s*[(\[]\s*([^()\[\]]*?)\s*[)\]]\s*$")  # after NFKC: （）【】 are ASCII or kept below
_WIDE = str.maketrans({"【": "[", "】": "]", "〔": "[", "〕": "]"})


@dataclass(frozen=True)
class Unit:
    name: str  # as the header writes it, NFKC ("万元", "月")
    factor: Decimal  # how many of the kind's base unit one of these is


# kind → unit as written (lower case, NFKC) → factor in the base unit
KINDS = {
    "money": {"元": 1, "rmb": 1, "yuan": 1, "万元": 10_000, "万": 10_000},  # base: yuan
    "term": {
        "年": 12,
        "years": 12,
        "year": 12,
        "月": 1,
        "个月": 1,
        "months": 1,
        "month": 1,  # base: months
        "采暖期": 12,
    },  # one heating season a year
    "area": {
        "㎡": 1,
        "m2": 1,
        "m²": 1,
        "平方米": 1,
        "平米": 1,
        "万㎡": 10_000,
        "万m2": 10_000,  # base: m²
        "万m²": 10_000,
        "万平方米": 10_000,
    },
}
# Measures a quantity of works may be counted in besides area: read as they are, kept as its unit.
COUNTS = {
    "m",
    "米",
    "延米",
    "km",
    "公里",
    "m3",
    "m³",
    "立方米",
    "个",
    "处",
    "套",
    "台",
    "项",
    "座",
    "栋",
    "户",
    "吨",
    "t",
    "樘",
    "株",
    "棵",
    "块",
    "根",
    "盏",
    "组",
    "部",
}
KIND_NAMES = {"money": _l("元 or 万元"), "term": _l("年, 月 or 采暖期"), "area": _l("㎡ or 万㎡")}


class UnitError(ValueError):
    """A header's unit that its column's kind does not know; `message()` names the column."""

    def __init__(self, kind: str, written: str, column: str):
        super().__init__(written)
        self.kind, self.written, self.column = kind, written, column

    def message(self) -> str:
        known = KIND_NAMES.get(self.kind if self.kind != "quantity" else "area")
        return _(
            'column "%(column)s": the unit "%(unit)s" is not one this column takes (%(known)s)',
            column=self.column,
            unit=self.written,
            known=known,
        )


def split_unit(header: str) -> tuple[str, str | None]:
    """("应收金额", "万元") from "应收金额(万元)"; (header, None) when no bracket ends it."""
    header = header.translate(_WIDE)
    match = _BRACKET.search(header)
    if match is None:
        return header, None
    return header[: match.start()], match.group(1)


def read_unit(kind: str | None, written: str | None, column: str) -> Unit | None:
    """The unit of a column of `kind` whose header says `written`; None for a column without one."""
    if kind is None or not written:
        return None
    key = written.replace(" ", "").lower()
    factor = KINDS.get(kind if kind != "quantity" else "area", {}).get(key)
    if factor is None and kind == "quantity" and key in COUNTS:
        factor = 1
    if factor is None:
        raise UnitError(kind, written, column)
    return Unit(written, Decimal(factor))


def is_area(unit: Unit | None) -> bool:
    return unit is not None and unit.name.replace(" ", "").lower() in KINDS["area"]
