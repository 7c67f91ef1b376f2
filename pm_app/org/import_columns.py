"""The columns of the household import and what a good row is: the rest is common.imports'.

A flat is named by its building and its unit, in two columns (楼栋 / 单元 / 房号) or in one
address cell (3栋2单元301); both are brought to one spelling (common.imports.addresses) before
they are compared with each other and with the compound's registered flats, so one flat written
two ways is still one flat. Every problem of a row is reported, not only the first.
"""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import gettext as _

from pm_app.common.imports.addresses import building_key, building_name, split_address, tidy, unit_name
from pm_app.common.imports.cells import cell_text, decimal_cell
from pm_app.common.imports.headers import Column, Layout

LAYOUT = Layout(
    columns=(
        Column("building", ("楼栋", "楼栋号", "楼号", "楼宇", "幢号", "栋号"), required=True, instead="address"),
        Column("entrance", ("单元号", "门洞", "门洞号")),
        Column("unit", ("单元/房号", "房号", "室号", "房间号", "门牌号", "户号"), required=True, instead="address"),
        Column("address", ("房屋地址", "房屋坐落", "地址", "住址", "房屋", "楼栋单元房号", "楼栋房号")),
        Column("floor_area_m2", ("建筑面积", "面积", "房屋面积", "floor_area"), unit="area", required=True),
        Column("owner_name", ("业主姓名", "业主", "户主", "户主姓名", "姓名", "业主名称")),
        Column("owner_phone", ("业主电话", "联系电话", "电话", "手机", "手机号", "手机号码", "联系方式", "业主手机")),
    ),
    # "单元" alone is the unit ("1-101"); beside a 房号 column it is the entrance.
    shared={"单元": ("unit", "entrance")},
)
FIELDS = ("building", "unit", "floor_area_m2", "owner_name", "owner_phone")
MAX_LENGTH = {"building": 32, "unit": 32, "owner_name": 64}
MAX_AREA_M2 = 10_000  # larger is a typo or a whole building's area, never one household
PHONE = re.compile(r"^[0-9+\- ]{3,32}$")  # the same rule as the single-household API


class RowChecker:
    """Checks rows against the rules, the compound's registered flats and the rows above them."""

    def __init__(self, registered: dict[str, set[str]]):
        self.registered = registered  # building key → its registered units
        # building key → unit → the row it first appeared on. Nested by building rather than keyed
        # by (building, unit) tuples: this is the one thing kept for every row, and sharing the
        # building and dropping the tuple halves it.
        self.first_seen: dict[str, dict[str, int]] = {}

    def check(self, number: int, raw: dict, header) -> tuple[dict, list[str]]:
        values = {field: tidy(cell_text(raw.get(field))) for field in FIELDS}
        problems: list[str] = []
        address = tidy(cell_text(raw.get("address")))
        if address and not (values["building"] and values["unit"]):
            split = split_address(address)
            if split is None:
                problems.append(
                    _(
                        'address "%(value)s" is not written as building, entrance and flat, '
                        "such as 3栋2单元301 or 3-2-301",
                        value=address[:60],
                    )
                )
            else:
                values["building"], values["unit"] = split
        elif values["unit"]:
            values["unit"] = unit_name(values["unit"], cell_text(raw.get("entrance")))
        if not problems:
            problems += [_missing(field) for field in ("building", "unit") if not values[field]]
        problems += [_too_long(field) for field, limit in MAX_LENGTH.items() if len(values[field]) > limit]
        values["floor_area_dm2"], problem = _area(raw.get("floor_area_m2"), header.units.get("floor_area_m2"))
        if problem:
            problems.append(problem)
        if values["owner_phone"] and not PHONE.match(values["owner_phone"]):
            problems.append(_('owner_phone "%(value)s" is not a phone number', value=values["owner_phone"]))
        values["owner_name"] = values["owner_name"] or None
        values["owner_phone"] = values["owner_phone"] or None
        if values["building"] and values["unit"]:
            values["building_key"] = building_key(values["building"])
            values["building"] = building_name(values["building"])
            problems += self._clashes(number, values)
        return values, problems

    def _clashes(self, number: int, values: dict) -> list[str]:
        problems = []
        key, unit = values["building_key"], values["unit"]
        if unit in self.registered.get(key, ()):
            problems.append(
                _(
                    "%(building)s %(unit)s is already registered in this compound",
                    building=values["building"],
                    unit=unit,
                )
            )
        first = self.first_seen.setdefault(key, {}).setdefault(unit, number)
        if first != number:
            problems.append(
                _("%(building)s %(unit)s is also on row %(row)d", building=values["building"], unit=unit, row=first)
            )
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


def _area(value, unit) -> tuple[int | None, str | None]:
    """Square metres (or what the header's unit says) with at most 2 decimals → dm²."""
    text, number = decimal_cell(value)
    if text == "":
        return None, _("floor_area_m2 is missing")
    if number is None:
        return None, _('floor_area_m2 "%(value)s" is not a number', value=text)
    # Bounds first: they keep "1e30" away from quantize, which cannot hold that many digits.
    if number <= 0:
        return None, _("floor_area_m2 must be greater than 0")
    if unit is not None:
        number *= unit.factor
    if number > MAX_AREA_M2:
        return None, _("floor_area_m2 %(value)s is larger than %(max)d m²", value=text, max=MAX_AREA_M2)
    if number != number.quantize(Decimal("0.01")):
        return None, _("floor_area_m2 %(value)s has more than 2 decimal places", value=text)
    return int(number * 100), None
