"""The fee counter (收费台): a household pays one sum for the months it chooses and gets a receipt.

`collect` is the one way a household payment is taken, by the API and by the counter's page: the
multi-bill service (`allocation.pay_household`: bill locks, one idempotency key, oldest month
first) and then the receipt, in the same transaction. A replay (the same key and body again)
returns the first payment's receipt; it never issues a second one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from pm_app.common.inputs import normal
from pm_app.errors import Conflict
from pm_app.fees.counter import allocation, receipts
from pm_app.fees.models import Payment, PaymentMethod, Receipt


@dataclass(frozen=True)
class Collected:
    household_id: int
    payments: list[Payment]
    receipt: Receipt
    replayed: bool

    @property
    def amount(self) -> int:
        return sum(payment.amount_fen for payment in self.payments)


def collect(
    user,
    household_id: int,
    *,
    amount_fen: int,
    method: PaymentMethod,
    key: str | None,
    paid_at: datetime | None = None,
    bill_ids: Sequence[int] | None = None,
    expected_fen: int | None = None,
    payer_name: str | None = None,
) -> Collected:
    rows, replayed = allocation.pay_household(
        user,
        household_id,
        amount_fen=amount_fen,
        method=method,
        paid_at=paid_at,
        key=key,
        bill_ids=bill_ids,
        expected_fen=expected_fen,
    )
    receipt = receipts.of_payment(rows[0].id) if replayed else None
    if receipt is not None:
        _check_same_payer(receipt, payer_name)
    if receipt is None:  # a payment recorded before receipts existed gets its receipt on a replay
        receipt = receipts.issue(user, rows, method, payer_name)
    return Collected(household_id, rows, receipt, replayed)


def _check_same_payer(receipt: Receipt, payer_name: str | None) -> None:
    """The payer's name is part of the request: the same key with another name printed on the
    receipt is another payment, not a retry (a retry that leaves the name out is still one)."""
    sent = normal((payer_name or "").strip())
    if sent and sent != normal(receipt.payer_name or ""):
        raise Conflict(
            _(
                "This Idempotency-Key was already used for a payment by %(name)s; use a new key for a new payment.",
                name=receipt.payer_name or _("an unnamed payer"),
            ),
            {"Idempotency-Key": [_("already used with another body")]},
        )
