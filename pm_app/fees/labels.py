"""How fee values read on pages and in exports: status and method names, rates as percentages.

The API keeps the English enum values and four-place ratios ("0.8125"); people read
"部分缴纳" and "81.3 %". Templates use the `fee_label` and `percent` filters.
"""

from __future__ import annotations

import enum
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l

from pm_app.fees.models import BillStatus, PaymentMethod

BILL_STATUSES = {
    BillStatus.unpaid: _l("Unpaid"),
    BillStatus.partial: _l("Partly paid"),
    BillStatus.paid: _l("Paid"),
    BillStatus.waived: _l("Waived"),
}

PAYMENT_METHODS = {
    PaymentMethod.cash: _l("Cash"),
    PaymentMethod.wechat: _l("WeChat Pay"),
    PaymentMethod.alipay: _l("Alipay"),
    PaymentMethod.bank_transfer: _l("Bank transfer"),
    PaymentMethod.pos: _l("Card (POS)"),
    PaymentMethod.other: _l("Other"),
}

_BY_ENUM = {BillStatus: BILL_STATUSES, PaymentMethod: PAYMENT_METHODS}
NO_RATE = "—"


def fee_label(value: enum.Enum | None) -> str:
    if value is None:
        return ""
    return str(_BY_ENUM.get(type(value), {}).get(value, value.value))


def percent(rate: Decimal | None) -> str:
    """0.8125 → "81.3 %" (half up, like every other rounding here); None → "—", since a
    period with nothing billed has no rate, which is not the same as 0 %."""
    if rate is None:
        return NO_RATE
    return f"{(rate * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)} %"


def percent_number(rate: Decimal | None) -> float | None:
    """The same rounding as `percent`, as a number for a chart axis (JSON has no Decimal)."""
    if rate is None:
        return None
    return float((rate * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
