"""The header and row rules of the household import: which columns, and what a good row is.

Every problem of a row is reported, not only the first, so one round of corrections is enough.
Messages are English msgids through Flask-Babel, so the upload page speaks the reader's language.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from pm_app.org.import_files import Row, UnreadableFile

FIELDS = ("building", "unit", "floor_area_m2", "owner_name", "owner_phone")
REQUIRED = ("building", "unit", "floor_area_m2")
# The headers people write, in English or in Chinese, after _normal() has tidied them.
ALIASES = {
    **{field: field for field in FIELDS},
    "楼栋": "building", "楼栋号": "building", "楼号": "building",
    "单元/房号": "unit", "单元": "unit", "房号": "unit",
    "建筑面积": "floor_area_m2",
    "业主姓名": "owner_name", "业主": "owner_name",
    "业主电话": "owner_phone", "联系电话": "owner_phone",
}
MAX_LENGTH = {"building": 32, "unit": 32, "owner_name": 64}
MAX_AREA_M2 = 10_000  # larger is a typo or a whole building's area, never one household
PHONE = re.compile(r"^[0-9+\- ]{3,32}$")  # the same rule as the single-household API
_UNIT_SUFFIX = re.compile(r"[（(][^()（）]*[)）]$")  # "建筑面积(㎡)", "floor_area_m2 (m²)"


def _normal(header) -> str:
    text = _UNIT_SUFFIX.sub("", cell_text(header)).strip().lower()
    return re.sub(r"\s+", "", text) if not text.isascii() else re.sub(r"[\s-]+", "_", text)


def read_header(rows: Iterator[Row], aliases: dict[str, str] = ALIASES,
                required: Sequence[str] = REQUIRED) -> tuple[int, dict[str, int], list[str]]:
    """The first non-blank row: (its number, field → column index, problems). `aliases` and
    `required` default to the household columns; other imports pass their own."""
    for number, cells in rows:
        if not is_blank(cells):
            break
    else:
        raise UnreadableFile(_("The file is empty."))
    columns: dict[str, int] = {}
    problems: list[str] = []
    for index, cell in enumerate(cells):
        if cell_text(cell) == "":
            continue  # blank header cells are formatting spill-over, not columns
        field = aliases.get(_normal(cell))
        if field is None:
            problems.append(_("unknown column \"%(column)s\"", column=cell_text(cell)))
        elif field in columns:
            problems.append(_("column \"%(column)s\" appears twice", column=cell_text(cell)))
        else:
            columns[field] = index
    problems.extend(_("missing column %(column)s", column=field) for field in required if field not in columns)
    return number, columns, problems


class RowChecker:
    """Checks rows against the rules, the compound's registered units and the rows above them."""

    def __init__(self, registered: dict[str, set[str]]):
        self.registered = registered  # building → its registered units
        # building → unit → the row it first appeared on. Nested by building rather than keyed by
        # (building, unit) tuples: this is the one thing kept for every row, and sharing the
        # building name and dropping the tuple halves it.
        self.first_seen: dict[str, dict[str, int]] = {}

    def check(self, rows: Iterator[Row], columns: dict[str, int]) -> Iterator[tuple[int, dict, list[str]]]:
        """(row number, clean values, problems) for each non-blank row."""
        width = max(columns.values()) + 1
        for number, cells in rows:
            if is_blank(cells):
                continue  # blank lines between blocks and at the end are how sheets look
            raw = {field: cells[index] if index < len(cells) else None for field, index in columns.items()}
            values, problems = self._clean(number, raw)
            if any(cell_text(cell) != "" for cell in cells[width:]):
                problems.append(_("has %(cells)d cells but the header has %(columns)d",
                                  cells=len(cells), columns=width))
            yield number, values, problems

    def _clean(self, number: int, raw: dict) -> tuple[dict, list[str]]:
        values = {field: cell_text(raw.get(field)) for field in FIELDS}
        problems = [_missing(field) for field in ("building", "unit") if not values[field]]
        problems += [_too_long(field) for field, limit in MAX_LENGTH.items() if len(values[field]) > limit]
        values["floor_area_dm2"], problem = _area(raw.get("floor_area_m2"))
        if problem:
            problems.append(problem)
        if values["owner_phone"] and not PHONE.match(values["owner_phone"]):
            problems.append(_("owner_phone \"%(value)s\" is not a phone number", value=values["owner_phone"]))
        values["owner_name"] = values["owner_name"] or None
        values["owner_phone"] = values["owner_phone"] or None
        if values["building"] and values["unit"]:
            problems += self._clashes(number, values["building"], values["unit"])
        return values, problems

    def _clashes(self, number: int, building: str, unit: str) -> list[str]:
        problems = []
        if unit in self.registered.get(building, ()):
            problems.append(_("%(building)s %(unit)s is already registered in this compound",
                              building=building, unit=unit))
        first = self.first_seen.setdefault(building, {}).setdefault(unit, number)
        if first != number:
            problems.append(_("%(building)s %(unit)s is also on row %(row)d", building=building, unit=unit, row=first))
        return problems


def _missing(field: str) -> str:
    # One msgid per field, so the Chinese message can name the column in Chinese.
    return _("building is missing") if field == "building" else _("unit is missing")


def _too_long(field: str) -> str:
    limit = MAX_LENGTH[field]
    if field == "building":
        return _("building is longer than %(max)d characters", max=limit)
    if field == "unit":
        return _("unit is longer than %(max)d characters", max=limit)
    return _("owner_name is longer than %(max)d characters", max=limit)


def _area(value) -> tuple[int | None, str | None]:
    """Square metres with at most 2 decimals → dm²; a spreadsheet number or a decimal string."""
    if isinstance(value, float):
        value = repr(value)  # the shortest text that is this float: 86.4, not 86.400000000000006
    text = cell_text(value)
    if text == "":
        return None, _("floor_area_m2 is missing")
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        return None, _("floor_area_m2 \"%(value)s\" is not a number", value=text)
    # Bounds first: they keep "1e30" away from quantize, which cannot hold that many digits.
    if number <= 0:
        return None, _("floor_area_m2 must be greater than 0")
    if number > MAX_AREA_M2:
        return None, _("floor_area_m2 %(value)s is larger than %(max)d m²", value=text, max=MAX_AREA_M2)
    if number != number.quantize(Decimal("0.01")):
        return None, _("floor_area_m2 %(value)s has more than 2 decimal places", value=text)
    return int(number * 100), None


def cell_text(value) -> str:
    """A cell as the text a person sees: 101 not 101.0, 13812345678 not 1.3812345678e10."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_blank(cells: Sequence) -> bool:
    return all(cell_text(cell) == "" for cell in cells)
