"""The columns of the bill import and what one row of it must say, checked on its own. Reading,
the header and the row loop are common.imports'.

Rules that need other rows or the database (the same bill twice, a bill billed before at another
amount, more paid than due) are `fees.import_book`'s. Every problem of a row is reported, not only
the first, so one round of corrections is enough. Amounts are yuan unless the header says 万元.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _

from pm_app.common.clock import CITY_TZ, now
from pm_app.common.imports.addresses import building_key, split_address, tidy, unit_name
from pm_app.common.imports.cells import cell_text, decimal_cell, has_fractional_fen, when_cell
from pm_app.common.imports.headers import Column, Layout
from pm_app.fees.models import PaymentMethod
from pm_app.fees.payments import FUTURE_TOLERANCE
from pm_app.fees.periods import PeriodError, parse_period, period_of
from pm_app.org.import_columns import LAYOUT as HOUSEHOLD_LAYOUT

FIELDS = ("building", "unit", "period", "amount_due", "due_date", "amount_paid", "paid_at", "method")
# The household file's names for the flat, so one sheet's habits serve both imports.
_FLAT = tuple(c for c in HOUSEHOLD_LAYOUT.columns if c.field in ("building", "entrance", "unit", "address"))
LAYOUT = Layout(
    columns=(
        *_FLAT,
        Column("period", ("账期", "期间", "计费期间", "所属期", "月份", "收费月份", "费用月份"), required=True),
        Column("amount_due", ("应收金额", "应收", "应缴金额", "应收物业费", "应收费用"), unit="money", required=True),
        Column("due_date", ("到期日", "截止日期", "缴费期限")),
        Column("amount_paid", ("实收金额", "实收", "实缴金额", "已缴金额", "实收物业费"), unit="money"),
        Column("paid_at", ("缴费时间", "缴费日期", "收款时间", "收款日期")),
        Column("method", ("缴费方式", "支付方式", "收款方式")),
    ),
    shared=HOUSEHOLD_LAYOUT.shared,
)
METHODS = {
    **{method.value: method for method in PaymentMethod},
    "现金": PaymentMethod.cash,
    "微信": PaymentMethod.wechat,
    "微信支付": PaymentMethod.wechat,
    "支付宝": PaymentMethod.alipay,
    "银行转账": PaymentMethod.bank_transfer,
    "转账": PaymentMethod.bank_transfer,
    "刷卡": PaymentMethod.pos,
    "pos机": PaymentMethod.pos,
    "其他": PaymentMethod.other,
}
MAX_YUAN = 1_000_000  # one household's month: more is a typo, and it keeps "1e30" out of BIGINT
EARLIEST_PAYMENT = datetime(2000, 1, 1, tzinfo=CITY_TZ)  # periods start in 2000 too


@dataclass(slots=True)
class BillRow:
    household_id: int
    period: str
    amount_due_fen: int
    due_date: date | None  # None: the configured rule
    amount_paid_fen: int  # 0: the row records no payment
    paid_at: datetime | None
    method: PaymentMethod


class RowReader:
    """Turns the cells of each row into a BillRow, or into that row's problems."""

    def __init__(self, households: dict[str, dict[str, int]]):
        self.households = households  # building key → unit in its one spelling → household id

    def check(self, _number: int, raw: dict, header) -> tuple[BillRow | None, list[str]]:
        units = header.units
        problems: list[str] = []
        household_id = self._household(raw, problems)
        period = _period(raw.get("period"), problems)
        due_fen = _amount_due(raw.get("amount_due"), units.get("amount_due"), problems)
        due_on = _due_date(raw.get("due_date"), problems)
        paid_fen = _amount_paid(raw.get("amount_paid"), units.get("amount_paid"), problems)
        paid_at, method = _payment(raw.get("paid_at"), raw.get("method"), raw.get("amount_paid"), paid_fen, problems)
        if problems:
            return None, problems
        return BillRow(household_id, period, due_fen, due_on, paid_fen or 0, paid_at, method), problems

    def _household(self, raw: dict, problems: list[str]) -> int | None:
        building, unit = tidy(cell_text(raw.get("building"))), tidy(cell_text(raw.get("unit")))
        address = tidy(cell_text(raw.get("address")))
        if address and not (building and unit):
            split = split_address(address)
            if split is None:
                problems.append(
                    _(
                        'address "%(value)s" is not written as building, entrance and flat, '
                        "such as 3栋2单元301 or 3-2-301",
                        value=address[:60],
                    )
                )
                return None
            building, unit = split
        elif unit:
            unit = unit_name(unit, cell_text(raw.get("entrance")))
        if not building:
            problems.append(_("building is missing"))
        if not unit:
            problems.append(_("unit is missing"))
        if not (building and unit):
            return None
        household_id = self.households.get(building_key(building), {}).get(unit_name(unit))
        if household_id is None:
            problems.append(
                _("%(building)s %(unit)s is not a household of this compound", building=building, unit=unit)
            )
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
        problems.append(_('period "%(value)s" is not a month written YYYY-MM', value=text))
        return None


def _amount_due(value, unit, problems: list[str]) -> int | None:
    text, number = _yuan(value, unit)
    if text == "":
        problems.append(_("amount_due is missing"))
    elif number is None:
        problems.append(_('amount_due "%(value)s" is not a number', value=text))
    elif number <= 0:
        problems.append(_("amount_due must be greater than 0"))
    elif number > MAX_YUAN:  # before the decimals: bounds keep absurd exponents out of the arithmetic
        problems.append(_("amount_due %(value)s is larger than %(max)d yuan", value=text, max=MAX_YUAN))
    elif has_fractional_fen(number):
        problems.append(_("amount_due %(value)s has more than 2 decimal places", value=text))
    else:
        return int(number * 100)
    return None


def _yuan(value, unit):
    """The cell's text and its amount in yuan: 1.2 under a 万元 header is 12000 (exact, Decimal)."""
    text, number = decimal_cell(value)
    if number is not None and unit is not None:
        number *= unit.factor
    return text, number


def _amount_paid(value, unit, problems: list[str]) -> int | None:
    """Fen paid on this row; 0 when blank or zero (exports write 0.00 for "not paid")."""
    text, number = _yuan(value, unit)
    if text == "":
        return 0
    if number is None:
        problems.append(_('amount_paid "%(value)s" is not a number', value=text))
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
    chosen = METHODS.get(method_text.lower()) if method_text else PaymentMethod.other
    if chosen is None:
        problems.append(
            _('method "%(value)s" is not one of cash, wechat, alipay, bank_transfer, pos, other', value=method_text)
        )
    if not paid_fen:
        if cell_text(amount_cell) == "" and cell_text(paid_at) != "":
            problems.append(_("paid_at is given but amount_paid is missing"))
        return None, chosen
    if cell_text(paid_at) == "":
        problems.append(_("paid_at is missing: a payment needs its date"))
        return None, chosen
    when = when_cell(paid_at)
    if when is None:
        problems.append(
            _('paid_at "%(value)s" is not a date written YYYY-MM-DD or YYYY-MM-DD HH:MM', value=cell_text(paid_at))
        )
    elif not EARLIEST_PAYMENT <= when <= now() + FUTURE_TOLERANCE:
        problems.append(_("paid_at %(value)s is not between 2000-01-01 and now", value=cell_text(paid_at)))
    return when, chosen


def _due_date(value, problems: list[str]) -> date | None:
    if cell_text(value) == "":
        return None
    when = when_cell(value)
    if when is None:
        problems.append(_('due_date "%(value)s" is not a date written YYYY-MM-DD', value=cell_text(value)))
        return None
    return when.date()
