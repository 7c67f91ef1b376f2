"""Collection rates (收缴率), both definitions, always together:

- by amount: received ÷ receivable, where receivable is what was billed less what was waived;
- by household: households whose bill is settled (paid in full, waivers counted) ÷ households
  billed (a bill waived in full is not counted on either side: nothing was asked of them).

A rate belongs to a scope (compound, street, firm, city), a range of periods and an as-of date:
"as of 2026-09-30" counts the payments and waivers made by the end of that day in the city.
Rates are computed on the property fee, where a household has one bill per period.

Every figure is one GROUP BY over `bill_total` (the bills summed by compound, month, fee type and
firm, kept by the database in step with every bill: fees.models.BillTotal), whatever the number of
compounds: a city's twelve months are ~13,000 rows instead of 1.9 million bills. The as-of view
corrects it by what came in after the date (a small set: the payment rows after it, by index,
and the bills they touch, by id), instead of summing every payment row there is.

A scope is a `Where`: a function from the table (Bill or BillTotal, which share the columns
compound_id, firm_id, period and fee_type) to its clause, so one scope reads the totals now and
the bills for an as-of correction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, String, and_, case, func, literal, select

from pm_app.auth.scope import get_visible, scope_clause
from pm_app.extensions import db
from pm_app.fees.billing import FEE_TYPE
from pm_app.fees.models import Bill, BillTotal, Payment, Waiver
from pm_app.fees.periods import end_of_day, period_range
from pm_app.org.models import Compound, Firm, Street
from pm_app.org.services import Forbidden

SCOPES = ("compound", "street", "firm", "city")
PLACES = Decimal("0.0001")
Where = Callable[[type], ColumnElement[bool]]
GroupBy = Callable[[type], list]


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


def scope_filter(user, scope: str, scope_id: int | None) -> Where:
    """The property-fee bills of one scope that the caller may see; 404 for a scope object it
    cannot see (looked up here, once, whichever table the clause is then built for)."""
    if scope == "city":
        if not (user.sees_whole_city or user.city_regulator):  # the latter: its city's bills (scope)
            raise Forbidden(_("City-wide rates are for the city's regulator."))
        return fee_bills(user)
    if scope == "compound":
        column, value = "compound_id", get_visible(Compound, scope_id, user).id
    elif scope == "street":
        street_id = get_visible(Street, scope_id, user).id
        column, value = "compound_id", select(Compound.id).where(Compound.street_id == street_id)
    elif scope == "firm":
        column, value = "firm_id", get_visible(Firm, scope_id, user).id
    else:
        raise ValueError(scope)
    seen = fee_bills(user)

    def where(model):
        narrowed = getattr(model, column)
        return and_(seen(model), narrowed.in_(value) if isinstance(value, Select) else narrowed == value)

    return where


def fee_bills(user) -> Where:
    """All the property-fee bills the user sees."""
    return lambda model: and_(scope_clause(model, user), model.fee_type == FEE_TYPE)


def any_fee_bills(model):
    """Every property-fee bill, for the jobs (the sweeps, the rankings): no viewer's scope."""
    return model.fee_type == FEE_TYPE


# Past this many bills touched after the as-of day, the correction joins instead of listing ids.
LISTED_BILLS = 20_000


def bill_sums(paid, waived):
    """The four figures of a set of bills, given what each had paid and waived."""
    billed = waived < Bill.amount_due_fen
    settled = billed & (paid + waived >= Bill.amount_due_fen)
    # count(*) FILTER, not count(CASE …): PostgreSQL skips the CASE per bill, 2 ms of a street's
    # 19 ms twelve-month trend (SQLite has FILTER since 3.30)
    return [
        func.coalesce(func.sum(Bill.amount_due_fen - waived), 0),
        func.coalesce(func.sum(paid), 0),
        func.count().filter(billed),
        func.count().filter(settled),
    ]


def _totals():
    """The same four figures, added up from bill_total."""
    return [
        func.coalesce(func.sum(BillTotal.receivable_fen), 0),
        func.coalesce(func.sum(BillTotal.received_fen), 0),
        func.coalesce(func.sum(BillTotal.households_billed), 0),
        func.coalesce(func.sum(BillTotal.households_paid), 0),
    ]


def within(model, period_from: str, period_to: str):
    """Bills (or their totals) of the periods from–to. The bounds are written into the SQL, not bound: a statement
    run often on one connection is prepared by psycopg and then planned once for any bounds by
    PostgreSQL, and that plan misjudges how many bills a range holds (the regulator's trend took
    690 ms instead of 380, docs/performance.md). Periods are checked YYYY-MM strings."""
    return and_(model.period >= _written(period_from), model.period <= _written(period_to))


def _written(period: str):
    return literal(period, String, literal_execute=True)


def grouped(group_by: list, where) -> Select:
    """The four figures of the bills `where` selects, by `group_by`, as they stand now: both on
    BillTotal's columns."""
    return select(*group_by, *_totals()).where(where).group_by(*group_by)


def sums_by_key(rows, keys: int) -> dict[tuple, list[int]]:
    """Rows of `grouped` as group key → [receivable, received, households billed, households paid]."""
    return {tuple(row[:keys]): [int(v) for v in row[keys:]] for row in rows}


def rates_of(sums: dict[tuple, list[int]]) -> dict[int, Rate]:
    """A single-column key → its Rate, from `sums_by_key`."""
    return {key[0]: Rate(**_rate(figures)) for key, figures in sums.items()}


def _late(as_of: date):
    """Per bill, what was paid and waived after the as-of day (a few rows when the day is recent)."""
    cutoff = end_of_day(as_of)
    late_paid = (
        select(Payment.bill_id, func.sum(Payment.amount_fen).label("fen"))
        .where(Payment.paid_at >= cutoff)
        .group_by(Payment.bill_id)
        .subquery()
    )
    late_waived = (
        select(Waiver.bill_id, func.sum(Waiver.amount_fen).label("fen"))
        .where(Waiver.waived_at >= cutoff)
        .group_by(Waiver.bill_id)
        .subquery()
    )
    return late_paid, late_waived


def _grouped(group_by: GroupBy, where: Where, as_of: date | None) -> dict[tuple, list[int]]:
    """group key → [receivable, received, households billed, households paid].

    Now: one pass over the bills' totals by month. As of a day: the same, corrected by the
    difference the late payments and waivers make to the bills they touch; those bills are
    looked up by id, so the cost does not grow with the bills nobody touched."""
    keys = group_by(BillTotal)
    result = sums_by_key(db.session.execute(grouped(keys, where(BillTotal))).all(), len(keys))
    if as_of is None:
        return result
    late_paid, late_waived = _late(as_of)
    paid = Bill.paid_fen - func.coalesce(late_paid.c.fen, 0)
    waived = Bill.waived_fen - func.coalesce(late_waived.c.fen, 0)
    then, now = bill_sums(paid, waived), bill_sums(Bill.paid_fen, Bill.waived_fen)
    touched = select(late_paid.c.bill_id).union(select(late_waived.c.bill_id))
    ids = list(db.session.scalars(touched.limit(LISTED_BILLS + 1)))
    if not ids:
        return result
    only = Bill.id.in_(ids) if len(ids) <= LISTED_BILLS else Bill.id.in_(touched)
    keys = group_by(Bill)
    corrections = db.session.execute(
        select(*keys, *(a - b for a, b in zip(then, now)))
        .select_from(Bill)
        .outerjoin(late_paid, late_paid.c.bill_id == Bill.id)
        .outerjoin(late_waived, late_waived.c.bill_id == Bill.id)
        .where(where(Bill), only)
        .group_by(*keys)
    )
    for row in corrections:
        sums = result.setdefault(tuple(row[: len(keys)]), [0, 0, 0, 0])
        for i, delta in enumerate(row[len(keys) :]):
            sums[i] += int(delta)
    return result


def _rate(sums: list[int]) -> dict:
    receivable, received, billed, paid = sums
    return {"receivable": receivable, "received": received, "households_billed": billed, "households_paid": paid}


def rates_by_period(where: Where, period_from: str, period_to: str, as_of: date | None = None) -> list[PeriodRate]:
    """A row for every period of the range, zeros where nothing was billed."""
    found = {
        key[0]: _rate(sums)
        for key, sums in _grouped(lambda m: [m.period], _and_within(where, period_from, period_to), as_of).items()
    }
    return [PeriodRate(period=p, **found.get(p, {})) for p in period_range(period_from, period_to)]


def trend_and_last_by_compound(
    where: Where, period_from: str, period_to: str
) -> tuple[list[PeriodRate], dict[int, Rate]]:
    """`rates_by_period` over the range and `rates_by_compound` of its last period, in one pass
    over the totals: grouped by period, and by compound within the last period only (a city's
    ~1,100 compounds, not 12 times as many)."""
    rows = _grouped(
        lambda m: [m.period, case((m.period == _written(period_to), m.compound_id))],
        _and_within(where, period_from, period_to),
        None,
    )
    by_period: dict[str, list[int]] = {}
    by_compound: dict[int, Rate] = {}
    for (period, compound_id), sums in rows.items():
        totals = by_period.setdefault(period, [0, 0, 0, 0])
        for i, value in enumerate(sums):
            totals[i] += value
        if compound_id is not None:
            by_compound[compound_id] = Rate(**_rate(sums))
    trend = [
        PeriodRate(period=p, **(_rate(by_period[p]) if p in by_period else {}))
        for p in period_range(period_from, period_to)
    ]
    return trend, by_compound


def collection_rates(
    user, scope: str, scope_id: int | None, period_from: str, period_to: str, as_of: date | None = None
) -> list[PeriodRate]:
    return rates_by_period(scope_filter(user, scope, scope_id), period_from, period_to, as_of)


def rates_by_compound(where: Where, period_from: str, period_to: str, as_of: date | None = None) -> dict[int, Rate]:
    """compound id → its rate over the whole range (sums over the periods, then the ratio)."""
    return rates_of(_grouped(lambda m: [m.compound_id], _and_within(where, period_from, period_to), as_of))


def rates_by_firm(where: Where, period_from: str, period_to: str, as_of: date | None = None) -> dict[int, Rate]:
    """firm id → the rate of the bills it issued over the range (the rankings' fee indicator)."""
    return rates_of(
        _grouped(
            lambda m: [m.firm_id],
            lambda m: and_(where(m), m.firm_id.is_not(None), within(m, period_from, period_to)),
            as_of,
        )
    )


def rates_by_compound_and_period(
    where: Where, period_from: str, period_to: str, as_of: date | None = None
) -> dict[tuple[int, str], Rate]:
    rows = _grouped(lambda m: [m.compound_id, m.period], _and_within(where, period_from, period_to), as_of)
    return {key: Rate(**_rate(sums)) for key, sums in rows.items()}


def _and_within(where: Where, period_from: str, period_to: str) -> Where:
    return lambda model: and_(where(model), within(model, period_from, period_to))


def total(rows: list[Rate]) -> Rate:
    result = Rate()
    for row in rows:
        result.add(row)
    return result
