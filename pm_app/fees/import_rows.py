"""The columns of the bill import and what one row of it must say, checked on its own.

Rules that need other rows or the database (the same bill twice, a bill billed before at another
amount, more paid than due) are `fees.import_book`'s. Every problem of a row is reported, not only
the first, so one round of corrections is enough.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _

from pm_app.common.clock import CITY_TZ, now
from pm_app.fees.import_cells import decimal_cell, has_fractional_fen, when_cell
from pm_app.fees.models import PaymentMethod
from pm_app.fees.payments import FUTURE_TOLERANCE
from pm_app.fees.periods import PeriodError, parse_period, period_of
from pm_app.org import import_rows as household_rows
from pm_app.org.import_files import Row
from pm_app.org.import_rows import cell_text, is_blank

FIELDS = ("building", "unit", "period", "amount_due", "due_date", "amount_paid", "paid_at", "method")
REQUIRED = ("building", "unit", "period", "amount_due")
ALIASES = {
    **{field: field for field in FIELDS},
    # The household file's names for building and unit, so one sheet's habits serve both imports.
    **{alias: field for alias, field in household_rows.ALIASES.items() if field in ("building", "unit")},
    "账期": "period", "期间": "period", "计费期间": "period", "所属期": "period", "月份": "period",
    "应收金额": "amount_due", "应收": "amount_due", "应缴金额": "amount_due",
    "到期日": "due_date", "截止日期": "due_date", "缴费期限": "due_date",
    "实收金额": "amount_paid", "实收": "amount_paid", "实缴金额": "amount_paid", "已缴金额": "amount_paid",
    "缴费时间": "paid_at", "缴费日期": "paid_at", "收款时间": "paid_at", "收款日期": "paid_at",
    "缴费方式": "method", "支付方式": "method", "收款方式": "method",
}
METHODS = {
    **{method.value: method for method in PaymentMethod},
    "现金": PaymentMethod.cash, "微信": PaymentMethod.wechat, "微信支付": PaymentMethod.wechat,
    "支付宝": PaymentMethod.alipay, "银行转账": PaymentMethod.bank_transfer, "转账": PaymentMethod.bank_transfer,
    "刷卡": PaymentMethod.pos, "pos机": PaymentMethod.pos, "其他": PaymentMethod.other,
}
MAX_YUAN = 1_000_000  # one household's month: more is a typo, and it keeps "1e30" out of BIGINT
EARLIEST_PAYMENT = datetime(2000, 1, 1, tzinfo=CITY_TZ)  # periods start in 2000 too


@dataclass(slots=True)
class BillRow:
    household_id: int
    period: str
    amount_due_fen: int
    due_date: date | None       # None: the configured rule
    amount_paid_fen: int        # 0: the row records no payment
    paid_at: datetime | None
    method: PaymentMethod


class RowReader:
    """Turns the cells of each row into a BillRow, or into that row's problems."""

    def __init__(self, households: dict[str, dict[str, int]]):
        self.households = households  # building → unit → household id

    def read(self, rows: Iterator[Row], columns: dict[str, int]) -> Iterator[tuple[int, BillRow | None, list[str]]]:
        width = max(columns.values()) + 1
        for number, cells in rows:
            if is_blank(cells):
                continue  # blank lines between blocks and at the end are how sheets look
            raw = {field: cells[index] if index < len(cells) else None for field, index in columns.items()}
            row, problems = self._clean(raw)
            if any(cell_text(cell) != "" for cell in cells[width:]):
                problems.append(_("has %(cells)d cells but the header has %(columns)d",
                                  cells=len(cells), columns=width))
            yield number, (None if problems else row), problems

    def _clean(self, raw: dict) -> tuple[BillRow | None, list[str]]:
        problems: list[str] = []
        household_id = self._household(cell_text(raw.get("building")), cell_text(raw.get("unit")), problems)
        period = _period(raw.get("period"), problems)
        due_fen = _amount_due(raw.get("amount_due"), problems)
        due_on = _due_date(raw.get("due_date"), problems)
        paid_fen = _amount_paid(raw.get("amount_paid"), problems)
        paid_at, method = _payment(raw.get("paid_at"), raw.get("method"), raw.get("amount_paid"), paid_fen, problems)
        if problems:
            return None, problems
        return BillRow(household_id, period, due_fen, due_on, paid_fen or 0, paid_at, method), problems

    def _household(self, building: str, unit: str, problems: list[str]) -> int | None:
        if not building:
            problems.append(_("building is missing"))
        if not unit:
            problems.append(_("unit is missing"))
        if not (building and unit):
            return None
        household_id = self.households.get(building, {}).get(unit)
        if household_id is None:
            problems.append(_("%(building)s %(unit)s is not a household of this compound",
                              building=building, unit=unit))
        return household_id


def _period(value, problems: list[str]) -> str | None:
    # Excel turns a typed "2024-03" into the date 2024-03-01: that cell is the month it shows.
    if isinstance(value, datetime) and value.day == 1 and value.time() == datetime.min.time():
        value = period_of(value)
    text = cell_text(value)
    if not text:
        problems.append(_("period is missing"))
        return None
    try:
        return parse_period(text.replace("/", "-"))
    except PeriodError:
        problems.append(_("period \"%(value)s\" is not a month written YYYY-MM", value=text))
        return None


def _amount_due(value, problems: list[str]) -> int | None:
    text, number = decimal_cell(value)
    if text == "":
        problems.append(_("amount_due is missing"))
    elif number is None:
        problems.append(_("amount_due \"%(value)s\" is not a number", value=text))
    elif number <= 0:
        problems.append(_("amount_due must be greater than 0"))
    elif number > MAX_YUAN:  # before the decimals: bounds keep absurd exponents out of the arithmetic
        problems.append(_("amount_due %(value)s is larger than %(max)d yuan", value=text, max=MAX_YUAN))
    elif has_fractional_fen(number):
        problems.append(_("amount_due %(value)s has more than 2 decimal places", value=text))
    else:
        return int(number * 100)
    return None


def _amount_paid(value, problems: list[str]) -> int | None:
    """Fen paid on this row; 0 when blank or zero (exports write 0.00 for "not paid")."""
    text, number = decimal_cell(value)
    if text == "":
        return 0
    if number is None:
        problems.append(_("amount_paid \"%(value)s\" is not a number", value=text))
    elif number < 0:
        problems.append(_("amount_paid must not be negative"))
    elif number > MAX_YUAN:
        problems.append(_("amount_paid %(value)s is larger than %(max)d yuan", value=text, max=MAX_YUAN))
    elif has_fractional_fen(number):
        problems.append(_("amount_paid %(value)s has more than 2 decimal places", value=text))
    else:
        return int(number * 100)
    return None


def _payment(paid_at, method, amount_cell, paid_fen: int | None, problems: list[str]):
    method_text = cell_text(method)
    chosen = METHODS.get(method_text.lower(), None) if method_text else PaymentMethod.other
    if chosen is None:
        problems.append(_("method \"%(value)s\" is not one of cash, wechat, alipay, bank_transfer, pos, other",
                          value=method_text))
    if not paid_fen:
        if cell_text(amount_cell) == "" and cell_text(paid_at) != "":
            problems.append(_("paid_at is given but amount_paid is missing"))
        return None, chosen
    if cell_text(paid_at) == "":
        problems.append(_("paid_at is missing: a payment needs its date"))
        return None, chosen
    when = when_cell(paid_at)
    if when is None:
        problems.append(_("paid_at \"%(value)s\" is not a date written YYYY-MM-DD or YYYY-MM-DD HH:MM",
                          value=cell_text(paid_at)))
    elif not EARLIEST_PAYMENT <= when <= now() + FUTURE_TOLERANCE:
        problems.append(_("paid_at %(value)s is not between 2000-01-01 and now", value=cell_text(paid_at)))
    return when, chosen


def _due_date(value, problems: list[str]) -> date | None:
    if cell_text(value) == "":
        return None
    when = when_cell(value)
    if when is None:
        problems.append(_("due_date \"%(value)s\" is not a date written YYYY-MM-DD", value=cell_text(value)))
        return None
    return when.date()
