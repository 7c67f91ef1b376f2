"""One payment for several months: a household settling its arrears at the counter pays one sum,
which is spread over its unsettled bills oldest period first (the usual rule: the oldest debt is
the one that goes to court first). The split is exact to the fen: the parts add up to the sum.

The rows are ordinary payments, one per bill, so rates, arrears and reversals need nothing new.
Their idempotency keys are the client's key as part 0 for the first row and part n for the n-th
after it (`fees.keys.stored`: hashed, so a key of the full 128 characters fits on every row), and
a retry finds them all by the unique index.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pm_app.auth.scope import get_visible
from pm_app.common.clock import now
from pm_app.common.money import fen_to_yuan
from pm_app.errors import Conflict, DomainError
from pm_app.extensions import db
from pm_app.fees import keys, payments
from pm_app.fees.models import Bill, BillStatus, Payment, PaymentMethod
from pm_app.locks import is_unique_violation
from pm_app.org.models import Household
from pm_app.org.services import ensure

MAX_BILLS = 120  # ten years of months: more than that is a case for the street office, not the till


def allocate(amount: int, outstanding: list[int]) -> list[int]:
    """`amount` spread over `outstanding` in order, each part at most what that bill owes.
    Raises ValueError when the amount is more than everything owed."""
    if amount > sum(outstanding):
        raise ValueError("more than is owed")
    parts = []
    for owed in outstanding:
        part = min(owed, amount)
        parts.append(part)
        amount -= part
    return parts


def pay_household(
    user,
    household_id: int,
    *,
    amount_fen: int,
    method: PaymentMethod,
    paid_at: datetime | None,
    key: str | None,
    bill_ids: Sequence[int] | None = None,
    expected_fen: int | None = None,
) -> tuple[list[Payment], bool]:
    """Record one sum against the household's unsettled bills, oldest first; (rows, replayed).

    `bill_ids`: only these bills (the months ticked at the counter), each of which must still be
    owed. `expected_fen`: what the page said those bills owe; if that changed (someone paid
    meanwhile), nothing is recorded and the caller hears 409, not a payment it did not mean."""
    key = payments.check_key(key)
    household = get_visible(Household, household_id, user)
    query = select(Bill).where(
        Bill.household_id == household.id, Bill.status.in_((BillStatus.unpaid, BillStatus.partial))
    )
    if bill_ids is not None:
        query = query.where(Bill.id.in_(bill_ids))
    bills = list(
        db.session.scalars(
            query.order_by(Bill.period, Bill.id).with_for_update().execution_options(populate_existing=True)
        )
    )
    digest = payments.request_digest(-household.id, amount_fen, method.value, paid_at)  # negative: not a bill id
    if bill_ids is not None:  # the months chosen are part of the body (left out, the digest is as before)
        digest = hashlib.sha256(f"{digest}:{sorted(set(bill_ids))}".encode()).hexdigest()
    earlier = _batch(user, key)
    if earlier:
        return _replay(earlier, digest), True
    _check_selection(bills, bill_ids, expected_fen)
    for bill in bills:
        ensure(payments.can_collect(user, bill), _l("record payments for this household"))
    owed = [bill.outstanding_fen for bill in bills[:MAX_BILLS]]
    if amount_fen <= 0 or amount_fen > sum(owed):
        raise DomainError(
            _(
                "%(amount)s yuan is more than the %(owed)s yuan this household owes.",
                amount=fen_to_yuan(amount_fen),
                owed=fen_to_yuan(sum(owed)),
            ),
            {"amount": [_("at most %(outstanding)s", outstanding=fen_to_yuan(sum(owed)))]},
        )
    payments.check_time(paid_at or now())
    rows = []
    try:
        with db.session.begin_nested():
            for n, (bill, part) in enumerate(zip(bills, allocate(amount_fen, owed))):
                if part == 0:
                    break
                row = Payment(
                    bill_id=bill.id,
                    amount_fen=part,
                    method=method,
                    paid_at=paid_at or now(),
                    recorded_by_id=user.id,
                    idempotency_key=keys.stored(user, key, part=n),
                    request_digest=digest,
                )
                db.session.add(row)
                payments.apply(bill, paid=part)
                rows.append(row)
            db.session.flush()
    except IntegrityError as error:
        # The same key sent at once for another household: its bills' locks did not make this
        # request wait, the unique key did, and the twin committed first.
        earlier = _batch(user, key) if is_unique_violation(error) else []
        if not earlier:
            raise
        return _replay(earlier, digest), True
    return rows, False


def _check_selection(bills: list[Bill], bill_ids: Sequence[int] | None, expected_fen: int | None) -> None:
    not_owed = sorted(set(bill_ids or ()) - {bill.id for bill in bills})
    owed = sum(bill.outstanding_fen for bill in bills)
    if expected_fen is not None and (not_owed or owed != expected_fen):
        raise Conflict(
            _(
                "Someone recorded a payment for these months since this page was drawn: they now owe "
                "%(owed)s yuan. Nothing was recorded; check the months and pay again.",
                owed=fen_to_yuan(owed),
            ),
            {"expected_total": [_("now %(owed)s", owed=fen_to_yuan(owed))]},
        )
    if not_owed:
        raise DomainError(
            _(
                "Some of the months chosen are not owed by this household (paid, waived, or not its "
                "bills); nothing was recorded."
            ),
            {"bill_ids": [_("not owed: %(ids)s", ids=", ".join(map(str, not_owed)))]},
        )


def _replay(earlier: list[Payment], digest: str) -> list[Payment]:
    if earlier[0].request_digest != digest:
        raise Conflict(
            _("This Idempotency-Key was already used for a different payment; use a new key for a new payment."),
            {"Idempotency-Key": [_("already used with another body")]},
        )
    return earlier


def _batch(user, key: str) -> list[Payment]:
    parts = [keys.stored(user, key, part=n) for n in range(MAX_BILLS)]
    found = {
        p.idempotency_key: p for p in db.session.scalars(select(Payment).where(Payment.idempotency_key.in_(parts)))
    }
    if parts[0] not in found:
        return []
    return [found[k] for k in parts if k in found]
