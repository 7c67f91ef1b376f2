"""Payments, reversals and waivers: the only code that changes what a bill has received.

Every change takes the bill's row lock first (SELECT … FOR UPDATE on PostgreSQL; SQLite runs one
writer at a time anyway), then looks the idempotency key up, then checks the amount. So fifty
concurrent requests carrying one key queue on the bill, the first inserts, and the other
forty-nine find its row and replay it: one payment, never two, never a spurious "overpaid".

Keys are looked up and stored as `fees.keys` makes them: in the caller's organisation's space,
hashed, never in the space of the keys the server makes (`reversal:<id>`, `import:…`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from pm_app.auth.scope import get_visible
from pm_app.common.clock import now
from pm_app.common.money import fen_to_yuan
from pm_app.errors import Conflict, DomainError
from pm_app.extensions import db
from pm_app.fees import keys
from pm_app.fees.counter import receipts
from pm_app.fees.models import Bill, BillStatus, Payment, PaymentMethod, Waiver
from pm_app.locks import is_unique_violation
from pm_app.org import parties
from pm_app.org.models import Compound
from pm_app.org.services import can_manage_compound, ensure

KEY_MAX = 128
FUTURE_TOLERANCE = timedelta(minutes=5)  # clocks of tills and phones drift a little


@dataclass(frozen=True)
class PaymentResult:
    payment: Payment
    replayed: bool


def can_collect(user, bill: Bill) -> bool:
    """Record payments, reversals and waivers: the compound's street office and the city, or
    whoever acts for the party that issued the bill while that party is the compound's current
    collecting party (a firm, the 自管会, the street office for 托管: org.parties)."""
    if can_manage_compound(user, db.session.get(Compound, bill.compound_id)):
        return True
    issuer = parties.of_bill(bill)
    return (
        issuer is not None
        and parties.acts_for(user, issuer, bill.compound_id)
        and parties.current(bill.compound_id) == issuer
    )


def request_digest(bill_id: int, amount_fen: int, method: str, paid_at: datetime | None) -> str:
    """A digest of the body as sent (a left-out paid_at stays left out: a retry sent a minute
    later is the same request, though "now" has moved on)."""
    when = paid_at.astimezone(UTC).isoformat(timespec="seconds") if paid_at else None
    canonical = json.dumps(
        {"bill_id": bill_id, "amount_fen": amount_fen, "method": method, "paid_at": when}, sort_keys=True
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(key: str | None) -> str:
    key = (key or "").strip()
    if not key:
        raise DomainError(
            _(
                "The Idempotency-Key header is required: send a new random key (a UUID) with each "
                "payment, and the same key when you retry it."
            ),
            {"Idempotency-Key": [_("required")]},
            status=400,
        )
    if len(key) > KEY_MAX or not key.isprintable():
        raise DomainError(
            _("The Idempotency-Key is too long or holds unprintable characters."),
            {"Idempotency-Key": [_("at most %(n)d printable characters", n=KEY_MAX)]},
            status=400,
        )
    return key


def record_payment(
    user, *, bill_id: int, amount_fen: int, method: PaymentMethod, paid_at: datetime | None, key: str | None
) -> PaymentResult:
    key = check_key(key)
    bill = _locked_bill(user, bill_id)
    ensure(can_collect(user, bill), _l("record payments on this bill"))
    digest = request_digest(bill.id, amount_fen, method.value, paid_at)
    paid_at = paid_at or now()
    key = keys.stored(user, key)
    earlier = _by_key(key)
    if earlier is not None:
        return PaymentResult(_replay(earlier, digest), replayed=True)
    check_time(paid_at)
    if amount_fen <= 0:
        raise DomainError(_("The amount must be greater than zero."), {"amount": [_("must be greater than zero")]})
    if amount_fen > bill.outstanding_fen:
        raise DomainError(
            _(
                "%(amount)s yuan is more than the %(outstanding)s yuan outstanding on this bill.",
                amount=fen_to_yuan(amount_fen),
                outstanding=fen_to_yuan(bill.outstanding_fen),
            ),
            {"amount": [_("at most %(outstanding)s", outstanding=fen_to_yuan(bill.outstanding_fen))]},
        )
    payment = Payment(
        bill_id=bill.id,
        amount_fen=amount_fen,
        method=method,
        paid_at=paid_at,
        recorded_by_id=user.id,
        idempotency_key=key,
        request_digest=digest,
    )
    try:
        with db.session.begin_nested():
            db.session.add(payment)
    except IntegrityError as error:
        # The key was used on another bill (that bill's lock did not make us wait).
        earlier = _by_key(key) if is_unique_violation(error) else None
        if earlier is None:
            raise
        return PaymentResult(_replay(earlier, digest), replayed=True)
    apply(bill, paid=amount_fen)
    receipts.issue(user, [payment], method)  # a bill paid on its own gets its receipt (收据) too
    return PaymentResult(payment, replayed=False)


def reverse_payment(user, payment: Payment, reason: str) -> Payment:
    """Cancel a payment with a row of the opposite amount; the bill's status follows. The
    reversal is keyed by the payment it cancels (`reversal_of_id` is unique); its key
    `reversal:<id>` is in the server's space, which no caller's (hashed) key can reach."""
    bill = _locked_bill(user, payment.bill_id)
    ensure(can_collect(user, bill), _l("reverse payments on this bill"))
    if payment.reversal_of_id is not None:
        raise Conflict(_("This row is itself a reversal; it cannot be reversed."))
    if db.session.scalar(select(Payment.id).where(Payment.reversal_of_id == payment.id)) is not None:
        raise Conflict(_("This payment has already been reversed."))
    if not (reason or "").strip():
        raise DomainError(_("Say why the payment is reversed."), {"reason": [_("required")]})
    at = now()
    reversal = Payment(
        bill_id=bill.id,
        amount_fen=-payment.amount_fen,
        method=payment.method,
        paid_at=at,
        recorded_by_id=user.id,
        idempotency_key=f"reversal:{payment.id}",
        request_digest=request_digest(bill.id, -payment.amount_fen, payment.method.value, at),
        reversal_of_id=payment.id,
        note=reason.strip(),
    )
    db.session.add(reversal)
    db.session.flush()
    apply(bill, paid=-payment.amount_fen)
    receipts.void_for(payment, reversal.note)  # its receipt is void; the number stays used
    return reversal


def waive(user, bill_id: int, amount_fen: int, reason: str, approved_by: str, key: str | None = None) -> Waiver:
    """减免 part or all of what is still outstanding, saying why and who approved it."""
    bill = _locked_bill(user, bill_id)
    ensure(can_collect(user, bill), _l("waive fees on this bill"))
    body = (bill.id, amount_fen, (reason or "").strip(), (approved_by or "").strip())
    if key is not None:
        key = keys.stored(user, check_key(key), kind="waiver")
        earlier = db.session.scalar(select(Waiver).where(Waiver.idempotency_key == key))
        if earlier is not None:
            return _same_waiver(earlier, body)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("required")]
    if not (approved_by or "").strip():
        errors["approved_by"] = [_("required: the person or body that approved the waiver")]
    if amount_fen <= 0:
        errors["amount"] = [_("must be greater than zero")]
    elif amount_fen > bill.outstanding_fen:
        errors["amount"] = [_("at most %(outstanding)s", outstanding=fen_to_yuan(bill.outstanding_fen))]
    if errors:
        raise DomainError(_("The waiver was not recorded."), errors)
    at = now()
    waiver = Waiver(
        bill_id=bill.id,
        amount_fen=amount_fen,
        reason=reason.strip(),
        approved_by=approved_by.strip(),
        recorded_by_id=user.id,
        waived_at=at,
        idempotency_key=key,
    )
    try:
        with db.session.begin_nested():
            db.session.add(waiver)
            db.session.flush()
    except IntegrityError as error:
        # One key sent with waivers of two bills at once: the other bill's lock did not make this
        # request wait, the unique key did. Its twin committed first: replay it or refuse.
        earlier = (
            db.session.scalar(select(Waiver).where(Waiver.idempotency_key == key))
            if key is not None and is_unique_violation(error)
            else None
        )
        if earlier is None:
            raise
        return _same_waiver(earlier, body)
    apply(bill, waived=amount_fen)
    return waiver


def _same_waiver(earlier: Waiver, body: tuple) -> Waiver:
    if (earlier.bill_id, earlier.amount_fen, earlier.reason, earlier.approved_by) != body:
        raise Conflict(
            _("This Idempotency-Key was already used for a different waiver; use a new key."),
            {"Idempotency-Key": [_("already used with another body")]},
        )
    return earlier


def status_of(amount_due: int, paid: int, waived: int) -> BillStatus:
    if amount_due > 0 and waived >= amount_due:
        return BillStatus.waived
    if paid + waived >= amount_due:
        return BillStatus.paid
    return BillStatus.partial if paid > 0 or waived > 0 else BillStatus.unpaid


def apply(bill: Bill, *, paid: int = 0, waived: int = 0) -> None:
    bill.paid_fen += paid
    bill.waived_fen += waived
    bill.status = status_of(bill.amount_due_fen, bill.paid_fen, bill.waived_fen)
    db.session.flush()


def _locked_bill(user, bill_id: int) -> Bill:
    get_visible(Bill, bill_id, user)  # 404 for a bill the caller cannot see
    return db.session.scalars(
        select(Bill).where(Bill.id == bill_id).with_for_update().execution_options(populate_existing=True)
    ).one()


def _by_key(key: str) -> Payment | None:
    return db.session.scalar(select(Payment).where(Payment.idempotency_key == key))


def _replay(earlier: Payment, digest: str) -> Payment:
    if earlier.request_digest != digest:
        raise Conflict(
            _("This Idempotency-Key was already used for a different payment; use a new key for a new payment."),
            {"Idempotency-Key": [_("already used with another body")]},
        )
    return earlier


def check_time(paid_at: datetime) -> None:
    if paid_at > now() + FUTURE_TOLERANCE:
        raise DomainError(_("A payment cannot be dated in the future."), {"paid_at": [_("is in the future")]})


def check_totals(bill_ids=None) -> list[int]:
    """Bills whose running totals disagree with their payment and waiver rows (should be none)."""
    paid = select(Payment.bill_id, func.sum(Payment.amount_fen).label("s")).group_by(Payment.bill_id).subquery()
    waived = select(Waiver.bill_id, func.sum(Waiver.amount_fen).label("s")).group_by(Waiver.bill_id).subquery()
    query = (
        select(Bill.id)
        .outerjoin(paid, paid.c.bill_id == Bill.id)
        .outerjoin(waived, waived.c.bill_id == Bill.id)
        .where((func.coalesce(paid.c.s, 0) != Bill.paid_fen) | (func.coalesce(waived.c.s, 0) != Bill.waived_fen))
    )
    if bill_ids is not None:
        query = query.where(Bill.id.in_(bill_ids))
    return list(db.session.scalars(query))


def waivers_of(bill_id: int) -> list[Waiver]:
    return list(db.session.scalars(select(Waiver).where(Waiver.bill_id == bill_id).order_by(Waiver.id)))
