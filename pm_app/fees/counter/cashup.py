"""The day's cash-up (日结): one cashier's receipts of one day (Asia/Shanghai), what they add up
to by method, and which of them were voided. What stands is what the till should hold.

A cashier sees their own; a firm's staff may pick a colleague of the firm, a 自管会 member one of
the same compound's committee (issue 24); the city and a street
office any cashier, their receipts filtered to the caller's scope as every list is. Anyone else
asking for another cashier gets 404, as for an object out of scope.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pm_app.auth.models import Role, User
from pm_app.auth.scope import scope_clause
from pm_app.common.clock import CITY_TZ
from pm_app.errors import NotFound
from pm_app.extensions import db
from pm_app.fees import keys
from pm_app.fees.models import PaymentMethod, Receipt
from pm_app.org.models import Building, Compound, Household


def cashier_for(user, cashier_id: int | None) -> User:
    """The cashier whose day `user` asks for (themselves if none is named)."""
    if cashier_id is None or cashier_id == user.id:
        return user
    cashier = db.session.get(User, cashier_id)
    # A colleague: the same collecting organisation (a firm's staff, one compound's 自管会 members).
    allowed = cashier is not None and (
        user.sees_whole_city
        or user.role == Role.street_officer
        or (
            user.role in (Role.firm_staff, Role.committee_member)
            and cashier.role == user.role
            and keys.organisation(cashier) == keys.organisation(user)
        )
    )
    if not allowed:
        raise NotFound(f"User {cashier_id} not found")
    return cashier


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=CITY_TZ)
    return start, start + timedelta(days=1)


def cash_up(user, day: date, cashier_id: int | None = None) -> dict:
    """A day's cash-up never changes once the day is over (the till was handed over): a receipt
    voided on a later day still stands in the day it was issued, and its money goes back out of
    the till on the day of the void, as a refund in that day's cash-up."""
    cashier = cashier_for(user, cashier_id)
    start, end = day_bounds(day)
    issued = _rows(user, cashier, Receipt.issued_at >= start, Receipt.issued_at < end)
    refunded = _rows(user, cashier, Receipt.issued_at < start, Receipt.voided_at >= start, Receipt.voided_at < end)
    receipts = [_row(r, compound, building, unit, void_by=end) for r, compound, building, unit in issued]
    refunds = [_row(r, compound, building, unit, void_by=end) for r, compound, building, unit in refunded]
    standing = [r for r in receipts if not r["voided"]]
    by_method = {method.value: 0 for method in PaymentMethod}
    for r in standing:
        by_method[r["method"].value] += r["total"]
    for r in refunds:
        by_method[r["method"].value] -= r["total"]
    return {
        "date": day,
        "cashier_id": cashier.id,
        "cashier": cashier.display_name or cashier.username,
        "receipts": receipts,
        "voided": [r for r in receipts if r["voided"]],
        "refunds": refunds,
        "count": len(standing),
        "total": sum(r["total"] for r in standing) - sum(r["total"] for r in refunds),
        "totals_by_method": by_method,
    }


def _rows(user, cashier: User, *conditions):
    return db.session.execute(
        select(Receipt, Compound.name, Building.name, Household.unit)
        .join(Household, Household.id == Receipt.household_id)
        .join(Building, Building.id == Household.building_id)
        .join(Compound, Compound.id == Receipt.compound_id)
        .where(Receipt.cashier_id == cashier.id, scope_clause(Receipt, user), *conditions)
        .options(selectinload(Receipt.lines))
        .order_by(Receipt.issued_at, Receipt.id)
    )


def _row(r: Receipt, compound: str, building: str, unit: str, void_by: datetime) -> dict:
    """`voided` is as the day saw it; a void after the day is only noted (`voided_at`)."""
    return {
        "id": r.id,
        "number": r.number,
        "issued_at": r.issued_at,
        "compound": compound,
        "building": building,
        "unit": unit,
        "periods": r.periods,
        "total": r.amount_fen,
        "method": r.method,
        "voided": r.voided_at is not None and r.voided_at < void_by,
        "voided_at": r.voided_at,
        "payer_name": r.payer_name,
    }


def cashiers_of_day(user, day: date) -> list[User]:
    """Who issued receipts that day that the caller sees (for the page's choice), and the caller."""
    start, end = day_bounds(day)
    ids = set(
        db.session.scalars(
            select(Receipt.cashier_id)
            .distinct()
            .where(Receipt.issued_at >= start, Receipt.issued_at < end, scope_clause(Receipt, user))
        )
    )
    ids.add(user.id)
    users = []
    for cashier in db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.username)):
        try:
            users.append(cashier_for(user, cashier.id))
        except NotFound:
            continue
    return users
