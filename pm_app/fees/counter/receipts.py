"""Receipts (收据): every payment a household makes at the counter gets one, numbered
`YYYY-NNNNNN` from a sequence per collecting organisation and year that never skips a number.

Gap-free is a matter of transactions, not of arithmetic: the number is taken from the sequence's
row locked with SELECT … FOR UPDATE in the payment's own transaction. A payment that rolls back
(refused, or its request died) rolls its number back with it, and the next payment of the same
organisation waits for the lock, then reads the committed figure. The price is that one
organisation's payments take their numbers one at a time; a firm's tills do not notice it.

A reversal of any payment on a receipt voids the receipt; its number stays used and the voided
receipt stays on record (and in the day's cash-up, as void).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from pm_app.common.clock import CITY_TZ, now
from pm_app.extensions import db
from pm_app.fees.models import Bill, Payment, PaymentMethod, Receipt, ReceiptLine, ReceiptSequence
from pm_app.org import parties
from pm_app.org.models import Compound


def organisation_of(bills: Sequence[Bill]) -> tuple[str, int | None]:
    """Who collects, as a sequence key, and its firm: the party that issued the bills (a firm,
    a 自管会, a street office for 托管: org.parties); bills of no party or of several are
    collected by the compound's street office."""
    issuers = {parties.of_bill(bill) for bill in bills}
    if len(issuers) == 1 and None not in issuers:
        issuer = issuers.pop()
        return issuer.key, issuer.firm_id
    compound = db.session.get(Compound, bills[0].compound_id)
    return f"street:{compound.street_id}", None


def next_number(organisation: str, year: int) -> str:
    """The organisation's next receipt number of `year`, its sequence row locked until commit."""
    from pm_app.fees.billing.generate import _dialect_insert

    db.session.execute(
        _dialect_insert()(ReceiptSequence)
        .values(organisation=organisation, year=year, last_number=0)
        .on_conflict_do_nothing(index_elements=["organisation", "year"])
    )
    sequence = db.session.scalars(
        select(ReceiptSequence)
        .where(ReceiptSequence.organisation == organisation, ReceiptSequence.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    sequence.last_number += 1
    db.session.flush()
    return f"{year}-{sequence.last_number:06d}"


def issue(user, rows: Sequence[Payment], method: PaymentMethod, payer_name: str | None = None) -> Receipt:
    """The receipt of the payment rows just recorded (one household's, one method), numbered."""
    bills = [db.session.get(Bill, row.bill_id) for row in rows]
    organisation, firm_id = organisation_of(bills)
    issued_at = now()
    receipt = Receipt(
        organisation=organisation,
        number=next_number(organisation, issued_at.astimezone(CITY_TZ).year),
        household_id=bills[0].household_id,
        compound_id=bills[0].compound_id,
        firm_id=firm_id,
        amount_fen=sum(row.amount_fen for row in rows),
        method=method,
        payer_name=(payer_name or "").strip() or None,
        cashier_id=user.id,
        issued_at=issued_at,
    )
    receipt.lines = [
        ReceiptLine(payment_id=row.id, period=bill.period, amount_fen=row.amount_fen) for row, bill in zip(rows, bills)
    ]
    db.session.add(receipt)
    db.session.flush()
    return receipt


def of_payment(payment_id: int) -> Receipt | None:
    return db.session.scalar(select(Receipt).join(ReceiptLine).where(ReceiptLine.payment_id == payment_id))


def void_for(payment: Payment, reason: str) -> Receipt | None:
    """A reversal of `payment` voids the receipt it is on (if any); the number stays used."""
    receipt = of_payment(payment.id)
    if receipt is not None and receipt.voided_at is None:
        receipt.voided_at = now()
        receipt.void_reason = reason
        db.session.flush()
    return receipt


def printed(receipt: Receipt) -> dict:
    """What a receipt shows, printed or in the API: its own fields and the names around it."""
    from pm_app.auth.models import User
    from pm_app.fees.counter.capitals import capitals

    household = receipt.household
    cashier = db.session.get(User, receipt.cashier_id) if receipt.cashier_id else None
    return {
        "id": receipt.id,
        "number": receipt.number,
        "amount_fen": receipt.amount_fen,
        "total_in_words": capitals(receipt.amount_fen),
        "periods": receipt.periods,
        "lines": receipt.lines,
        "method": receipt.method,
        "voided": receipt.voided,
        "household_id": receipt.household_id,
        "compound_id": receipt.compound_id,
        "compound": db.session.get(Compound, receipt.compound_id).name,
        "building": household.building.name,
        "unit": household.unit,
        "payer_name": receipt.payer_name,
        "cashier_id": receipt.cashier_id,
        "cashier": (cashier.display_name or cashier.username) if cashier else None,
        "issued_at": receipt.issued_at,
        "voided_at": receipt.voided_at,
        "void_reason": receipt.void_reason,
    }
