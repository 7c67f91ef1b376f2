"""The columns of the warranty-item import and what one row of it must say. Reading, the header
and the row loop are common.imports'.

A row's cells are read here (numbers, dates, lengths, the category by code or Chinese name); the
category's minimum years are then `services.item_values`'s to check, the rule the single-item API
follows too. Units in the header count: 质保期(月) 24 is 2 years, 工程量(万㎡) 1.2 is 12,000 ㎡.
Every problem of a row is reported, not only the first.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from pm_app.common.imports.cells import cell_text, decimal_cell, has_fractional_fen, when_cell
from pm_app.common.imports.headers import Column, Layout
from pm_app.common.imports.units import is_area
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.warranties.models import RenovationProject, WarrantyCategory
from pm_app.warranties.services import item_values

FIELDS = ("category", "description", "quantity", "unit", "location", "warranty_years", "warranty_start")
LAYOUT = Layout(
    columns=(
        Column("category", ("类别", "质保类别", "保修类别", "工程类别"), required=True),
        Column("description", ("项目内容", "描述", "工程内容", "工程名称", "项目名称"), required=True),
        Column("quantity", ("工程量", "数量"), unit="quantity"),
        Column("unit", ("单位", "计量单位")),
        Column("location", ("位置", "部位", "施工部位")),
        Column("warranty_years", ("质保年限", "质保期", "保修年限", "保修期", "质保期限", "保修期限"), unit="term"),
        Column("warranty_start", ("质保起始日", "质保起始日期", "质保开始日期", "保修起始日期")),
    )
)
MAX_LENGTH = {"description": 256, "unit": 16, "location": 128}  # the columns of WarrantyItem
MAX_QUANTITY = 10_000_000  # more is a typo, and it keeps "1e30" out of NUMERIC(14, 2)
YEARS = (1, 50)  # the bounds of ItemIn.warranty_years


class RowReader:
    """Turns the cells of each row into the values of a WarrantyItem, or into that row's problems."""

    def __init__(self, project: RenovationProject):
        self.project = project
        self.codes, self.ambiguous = _category_names()

    def check(self, _number: int, raw: dict, header) -> tuple[dict | None, list[str]]:
        problems: list[str] = []
        quantity_unit = header.units.get("quantity")
        data = {
            "category": self._category(cell_text(raw.get("category")), problems),
            "description": _text("description", raw.get("description"), problems, required=True),
            "quantity": _quantity(raw.get("quantity"), quantity_unit, problems),
            "unit": _text("unit", raw.get("unit"), problems),
            "location": _text("location", raw.get("location"), problems),
            "warranty_years": _years(
                raw.get("warranty_years"),
                header.units.get("warranty_years"),
                header.written.get("warranty_years"),
                problems,
            ),
            "warranty_start": _start(raw.get("warranty_start"), problems),
        }
        if problems:
            return None, problems
        if data["quantity"] is not None and data["unit"] is None and quantity_unit is not None:
            data["unit"] = "㎡" if is_area(quantity_unit) else quantity_unit.name  # the header's unit, scaled
        try:
            return item_values(self.project, data), problems
        except DomainError as exc:  # below the category's minimum: the message names it and its source
            return None, [exc.message]

    def _category(self, text: str, problems: list[str]) -> str | None:
        if not text:
            problems.append(_("category is missing"))
            return None
        if text in self.ambiguous:
            problems.append(
                _(
                    'category "%(value)s" names more than one category: write its code (%(codes)s)',
                    value=text,
                    codes=", ".join(self.ambiguous[text]),
                )
            )
            return None
        code = self.codes.get(text) or self.codes.get(text.lower())
        if code is None:
            problems.append(
                _(
                    'category "%(value)s" is not one of %(codes)s, nor one of their Chinese names',
                    value=text,
                    codes=", ".join(sorted({c for c in self.codes.values()})),
                )
            )
        return code


def _category_names() -> tuple[dict[str, str], dict[str, list[str]]]:
    """code or name → code, for every category, in one query; and the names two categories share."""
    codes: dict[str, str] = {}
    by_name: dict[str, list[str]] = {}
    for code, name in db.session.execute(
        select(WarrantyCategory.code, WarrantyCategory.name).order_by(WarrantyCategory.code)
    ):
        codes[code] = code
        by_name.setdefault(name.strip(), []).append(code)
    ambiguous = {name: found for name, found in by_name.items() if len(found) > 1}
    codes.update({name: found[0] for name, found in by_name.items() if len(found) == 1 and name not in codes})
    return codes, ambiguous


def _text(field: str, value, problems: list[str], required: bool = False) -> str | None:
    text = cell_text(value)
    if not text:
        if required:
            problems.append(_("description is missing"))
        return None
    if len(text) > MAX_LENGTH[field]:
        # One msgid per column, so the Chinese message can name the column in Chinese.
        problems.append(
            {
                "description": _("description is longer than %(max)d characters", max=MAX_LENGTH[field]),
                "unit": _(
                    'unit of measure "%(value)s" is longer than %(max)d characters', value=text, max=MAX_LENGTH[field]
                ),
                "location": _("location is longer than %(max)d characters", max=MAX_LENGTH[field]),
            }[field]
        )
    return text


def _quantity(value, unit, problems: list[str]) -> Decimal | None:
    text, number = decimal_cell(value)
    if text == "":
        return None
    if number is not None and unit is not None:
        number *= unit.factor
    if number is None:
        problems.append(_('quantity "%(value)s" is not a number', value=text))
    elif number < 0:
        problems.append(_("quantity must not be negative"))
    elif number > MAX_QUANTITY:  # before the decimals: bounds keep absurd exponents out of the arithmetic
        problems.append(_("quantity %(value)s is larger than %(max)d", value=text, max=MAX_QUANTITY))
    elif has_fractional_fen(number):
        problems.append(_("quantity %(value)s has more than 2 decimal places", value=text))
    else:
        return number.quantize(Decimal("0.01"))
    return None


def _years(value, unit, column, problems: list[str]) -> int | None:
    """Whole years, from years or from months or heating seasons when the header says so; blank
    means the category's minimum (item_values fills it in)."""
    text, number = decimal_cell(value)
    if text == "":
        return None
    if number is not None and unit is not None and number == number.to_integral_value():
        months = number * unit.factor
        if months % 12:
            problems.append(
                _(
                    "%(column)s %(value)s %(unit)s is not a whole number of years",
                    column=column,
                    value=text,
                    unit=unit.name,
                )
            )
            return None
        number = months / 12
    if number is None or number != number.to_integral_value():
        problems.append(_('warranty_years "%(value)s" is not a whole number of years', value=text))
    elif not YEARS[0] <= number <= YEARS[1]:
        problems.append(_("warranty_years must be between %(min)d and %(max)d", min=YEARS[0], max=YEARS[1]))
    else:
        return int(number)
    return None


def _start(value, problems: list[str]) -> date | None:
    """A date; blank means the project's acceptance (item_values fills it in)."""
    if cell_text(value) == "":
        return None
    when = when_cell(value)
    if when is None:
        problems.append(_('warranty_start "%(value)s" is not a date written YYYY-MM-DD', value=cell_text(value)))
        return None
    return when.date()
