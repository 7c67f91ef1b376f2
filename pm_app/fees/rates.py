"""Collection rates (收缴率), both definitions, always together:

- by amount: received ÷ receivable, where receivable is what was billed less what was waived;
- by household: households whose bill is settled (paid in full, waivers counted) ÷ households
  billed (a bill waived in full is not counted on either side: nothing was asked of them).

A rate belongs to a scope (compound, street, firm, city), a range of periods and an as-of date:
"as of 2026-09-30" counts the payments and waivers made by the end of that day in the city.
Rates are computed on the property fee, where a household has one bill per period.

Every figure is one GROUP BY over `bill`, whatever the number of compounds. The as-of view
subtracts what came in after the date (a small set: the payment rows after it, by index) from
the running totals kept on each bill, instead of summing every payment row there is.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select

from pm_app.auth.scope import get_visible, scope_clause
from pm_app.extensions import db
from pm_app.fees.billing import FEE_TYPE
from pm_app.fees.models import Bill, Payment, Waiver
from pm_app.fees.periods import end_of_day, period_range
from pm_app.org.models import Compound, Firm, Street
from pm_app.org.services import Forbidden

SCOPES = ("compound", "street", "firm", "city")
PLACES = Decimal("0.0001")


@dataclass
class Rate:
    receivable: int = 0
    received: int = 0
    households_billed: int = 0
    households_paid: int = 0

    @property
    def amount_rate(self) -> Decimal | None:
        return ratio(self.received, self.receivable)

    @property
    def household_rate(self) -> Decimal | None:
        return ratio(self.households_paid, self.households_billed)

    def add(self, other: Rate) -> None:
        self.receivable += other.receivable
        self.received += other.received
        self.households_billed += other.households_billed
        self.households_paid += other.households_paid


@dataclass
class PeriodRate(Rate):
    period: str = ""


def ratio(part: int, whole: int) -> Decimal | None:
    """Four places, half up; None when nothing was billed (a rate of nothing is not 0 %)."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(PLACES, rounding=ROUND_HALF_UP)


def scope_filter(user, scope: str, scope_id: int | None):
    """The bills of one scope that the caller may see; 404 for a scope object it cannot see."""
    clauses = [scope_clause(Bill, user), Bill.fee_type == FEE_TYPE]
    if scope == "city":
        if not user.sees_whole_city:
            raise Forbidden(_("City-wide rates are for the city's regulator."))
    elif scope == "compound":
        clauses.append(Bill.compound_id == get_visible(Compound, scope_id, user).id)
    elif scope == "street":
        street = get_visible(Street, scope_id, user)
        clauses.append(Bill.compound_id.in_(select(Compound.id).where(Compound.street_id == street.id)))
    elif scope == "firm":
        clauses.append(Bill.firm_id == get_visible(Firm, scope_id, user).id)
    else:
        raise ValueError(scope)
    return and_(*clauses)


def _columns(as_of: date | None):
    """The four sums, and the joins an as-of date needs."""
    paid, waived, joins = Bill.paid_fen, Bill.waived_fen, []
    if as_of is not None:
        cutoff = end_of_day(as_of)
        late_paid = (select(Payment.bill_id, func.sum(Payment.amount_fen).label("fen"))
                     .where(Payment.paid_at >= cutoff).group_by(Payment.bill_id).subquery())
        late_waived = (select(Waiver.bill_id, func.sum(Waiver.amount_fen).label("fen"))
                       .where(Waiver.waived_at >= cutoff).group_by(Waiver.bill_id).subquery())
        paid = paid - func.coalesce(late_paid.c.fen, 0)
        waived = waived - func.coalesce(late_waived.c.fen, 0)
        joins = [(late_paid, late_paid.c.bill_id == Bill.id), (late_waived, late_waived.c.bill_id == Bill.id)]
    billed = waived < Bill.amount_due_fen
    settled = billed & (paid + waived >= Bill.amount_due_fen)
    columns = [
        func.coalesce(func.sum(Bill.amount_due_fen - waived), 0).label("receivable"),
        func.coalesce(func.sum(paid), 0).label("received"),
        func.count(case((billed, 1))).label("households_billed"),
        func.count(case((settled, 1))).label("households_paid"),
    ]
    return columns, joins


def _grouped(group_by: list, where, as_of: date | None):
    columns, joins = _columns(as_of)
    query = select(*group_by, *columns).select_from(Bill)
    for table, on in joins:
        query = query.outerjoin(table, on)
    return db.session.execute(query.where(where).group_by(*group_by))


def _rate(row) -> dict:
    return {"receivable": int(row.receivable), "received": int(row.received),
            "households_billed": int(row.households_billed), "households_paid": int(row.households_paid)}


def rates_by_period(where, period_from: str, period_to: str, as_of: date | None = None) -> list[PeriodRate]:
    """A row for every period of the range, zeros where nothing was billed."""
    found = {row.period: _rate(row) for row in _grouped(
        [Bill.period], and_(where, Bill.period >= period_from, Bill.period <= period_to), as_of)}
    return [PeriodRate(period=p, **found.get(p, {})) for p in period_range(period_from, period_to)]


def collection_rates(user, scope: str, scope_id: int | None, period_from: str, period_to: str,
                     as_of: date | None = None) -> list[PeriodRate]:
    return rates_by_period(scope_filter(user, scope, scope_id), period_from, period_to, as_of)


def rates_by_compound(where, period_from: str, period_to: str, as_of: date | None = None) -> dict[int, Rate]:
    """compound id → its rate over the whole range (sums over the periods, then the ratio)."""
    rows = _grouped([Bill.compound_id], and_(where, Bill.period >= period_from, Bill.period <= period_to), as_of)
    return {row.compound_id: Rate(**_rate(row)) for row in rows}


def rates_by_compound_and_period(where, period_from: str, period_to: str,
                                 as_of: date | None = None) -> dict[tuple[int, str], Rate]:
    rows = _grouped([Bill.compound_id, Bill.period],
                    and_(where, Bill.period >= period_from, Bill.period <= period_to), as_of)
    return {(row.compound_id, row.period): Rate(**_rate(row)) for row in rows}


def total(rows: list[Rate]) -> Rate:
    result = Rate()
    for row in rows:
        result.add(row)
    return result
