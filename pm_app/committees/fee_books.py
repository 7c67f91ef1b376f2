"""Fee income in the compound's books: the fees received, posted by the system, once a month.

The books' `fee_income` account is posted only here (entries.py refuses it by hand): for each
compound and closed month, one entry of the payments dated in that month (Asia/Shanghai), net of
the reversals dated in it, on the month's last day, through the same hash chain (ledger.append_all).

Why monthly, not daily: the statement is monthly and a closed month's statement must not move;
one entry a month keeps the books readable (12 lines a year, not 365) and is what the committee
checks against the fee module's monthly figure.

The sweep is idempotent over "due and not yet posted": for every closed month it compares the
fees received with the month's fee income in the books, and posts the difference only. So a
second run adds nothing, a missed run is caught up by the next, and fee income already in the
books for a month (posted by hand before this rule) is counted, never doubled. A reversal counts in
the month it is dated (the accountant's correcting entry in the month of the reversal), so an
earlier month's figure never changes. A payment recorded late but dated in an already-posted
month is the one thing that moves a closed month: the next sweep posts it as a correcting entry
(version 2, 3 … of that month, voucher FEE-YYYY-MM-2), dated in that month, so the statement
keeps agreeing with the fees received.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import func, select

from pm_app.committees import ledger
from pm_app.committees.models import Account, Direction, FeeIncomePosting, LedgerEntry
from pm_app.common.clock import CITY_TZ, city_month_sql, today
from pm_app.extensions import db
from pm_app.fees.models import Bill, Payment
from pm_app.fees.services import first_day, last_day, period_of, period_range, shift
from pm_app.org.imports import lock_compound

# Stored in the books (and in their hashes), so one fixed wording whoever or whatever ran the sweep.
DESCRIPTION = "{month} 物业费实收（已扣除冲正），系统按月过账"
CORRECTION = "{month} 物业费实收更正：本月已过账后又登记了本月的收款或冲正"


@dataclass
class Posted:
    compound_id: int
    month: str
    amount_fen: int  # signed: in (+) or out (−)
    version: int


@dataclass
class SweepResult:
    months: int = 0  # closed months looked at
    posted: list[Posted] = field(default_factory=list)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """The month as instants: from its first midnight in the city to the next month's."""
    return (
        datetime.combine(first_day(month), time(0), tzinfo=CITY_TZ),
        datetime.combine(first_day(shift(month, 1)), time(0), tzinfo=CITY_TZ),
    )


def received(month: str, compound_ids: list[int] | None = None) -> dict[int, int]:
    """Compound id → the fees received in `month`: payments dated in it, net of the reversals dated in it."""
    start, end = month_bounds(month)
    in_month = (Payment.paid_at >= start, Payment.paid_at < end)
    if compound_ids is None:  # every compound (the morning posting): one pass over the month's payments
        query = (
            select(Bill.compound_id, func.sum(Payment.amount_fen))
            .join(Bill, Bill.id == Payment.bill_id)
            .where(*in_month)
            .group_by(Bill.compound_id)
        )
    else:
        # A few compounds (a compound's books): their bills' payments, by bill. Through the
        # month's payments it read the whole city's month for one compound (66–130 ms at city
        # scale, ten times that for a province) against 20 ms by its ~4,000 bills.
        per_bill = select(func.sum(Payment.amount_fen)).where(Payment.bill_id == Bill.id, *in_month).scalar_subquery()
        query = (
            select(Bill.compound_id, func.sum(per_bill))
            .where(Bill.compound_id.in_(compound_ids))
            .group_by(Bill.compound_id)
        )
    # a compound whose bills had no payment that month sums to NULL: it has received nothing
    return {compound_id: int(total) for compound_id, total in db.session.execute(query) if total is not None}


def received_by_month(compound_ids: list[int], first: str, last: str) -> dict[tuple[int, str], int]:
    """(compound id, month) → the fees received, for the months first–last, in one pass over
    these compounds' bills and their payments. A city's seed posting 36 months month by month read
    each month's payments of the whole province (36 passes, growing with every city seeded)."""
    start, end = month_bounds(first)[0], month_bounds(last)[1]
    month = city_month_sql(Payment.paid_at)
    query = (
        select(Bill.compound_id, month, func.sum(Payment.amount_fen))
        .join(Payment, Payment.bill_id == Bill.id)
        .where(Bill.compound_id.in_(compound_ids), Payment.paid_at >= start, Payment.paid_at < end)
        .group_by(Bill.compound_id, month)
    )
    return {(compound_id, m): int(total) for compound_id, m, total in db.session.execute(query)}


def booked(compound_ids: list[int] | None = None) -> dict[tuple[int, str], int]:
    """(compound id, month) → the net fee income in the books (in − out), for these compounds or all."""
    signed = func.sum(LedgerEntry.amount_fen)
    query = (
        select(LedgerEntry.compound_id, LedgerEntry.entry_date, LedgerEntry.direction, signed)
        .where(LedgerEntry.account == Account.fee_income)
        .group_by(LedgerEntry.compound_id, LedgerEntry.entry_date, LedgerEntry.direction)
    )
    if compound_ids is not None:
        query = query.where(LedgerEntry.compound_id.in_(compound_ids))
    totals: dict[tuple[int, str], int] = defaultdict(int)
    for compound, day, direction, total in db.session.execute(query):
        totals[compound, period_of(day)] += int(total) if Direction(direction) == Direction.in_ else -int(total)
    return totals


def closed(month: str, as_of: date | None = None) -> bool:
    return month < period_of(as_of or today())


def post_fee_income(as_of: date | None = None, compound_ids: list[int] | None = None) -> SweepResult:
    """Bring every compound's fee income of every closed month (before `as_of`'s month) to the
    fees received in it; or only these compounds' (the seed, city by city). Flushes; the caller
    commits."""
    last = shift(period_of(as_of or today()), -1)
    first = _first_month()
    result = SweepResult()
    if first is None or first > last:
        return result
    months = period_range(first, last)
    result.months = len(months)
    if compound_ids is None:
        wanted = {(compound, month): total for month in months for compound, total in received(month).items()}
    else:
        wanted = received_by_month(compound_ids, first, last)
    in_books = booked(compound_ids)
    differing = sorted(
        {
            compound
            for compound, month in wanted.keys() | in_books.keys()
            if month <= last and wanted.get((compound, month), 0) != in_books.get((compound, month), 0)
        }
    )
    for compound_id in differing:
        result.posted.extend(
            _post_compound(compound_id, {k[1]: v for k, v in wanted.items() if k[0] == compound_id}, last)
        )
    return result


def _first_month() -> str | None:
    first_paid = db.session.scalar(select(func.min(Payment.paid_at)))
    first_booked = db.session.scalar(
        select(func.min(LedgerEntry.entry_date)).where(LedgerEntry.account == Account.fee_income)
    )
    candidates = [period_of(first_paid.astimezone(CITY_TZ).date())] if first_paid else []
    candidates += [period_of(first_booked)] if first_booked else []
    return min(candidates) if candidates else None


def _post_compound(compound_id: int, wanted: dict[str, int], last: str) -> list[Posted]:
    """Under the compound's lock (a concurrent sweep waits, then sees this one's entries), post
    each closed month's difference between the fees received and the books."""
    lock_compound(compound_id)
    in_books = {month: total for (_compound, month), total in booked([compound_id]).items()}
    versions = dict(
        db.session.execute(
            select(FeeIncomePosting.month, func.max(FeeIncomePosting.version))
            .where(FeeIncomePosting.compound_id == compound_id)
            .group_by(FeeIncomePosting.month)
        ).all()
    )
    rows = []
    for month in sorted(wanted.keys() | in_books.keys()):
        difference = wanted.get(month, 0) - in_books.get(month, 0)
        if month > last or difference == 0:
            continue
        version = versions.get(month, 0) + 1
        entry = LedgerEntry(
            compound_id=compound_id,
            account=Account.fee_income,
            direction=Direction.in_ if difference > 0 else Direction.out,
            amount_fen=abs(difference),
            entry_date=last_day(month),
            voucher_no=f"FEE-{month}" if version == 1 else f"FEE-{month}-{version}",
            description=(DESCRIPTION if version == 1 else CORRECTION).format(month=month),
            posted_by_id=None,
        )
        rows.append((entry, Posted(compound_id, month, difference, version), in_books.get(month, 0)))
    if not rows:
        return []
    ledger.append_all(compound_id, [entry for entry, _posted, _booked in rows])
    db.session.add_all(
        FeeIncomePosting(
            compound_id=compound_id,
            month=posted.month,
            version=posted.version,
            received_fen=wanted.get(posted.month, 0),
            booked_fen=before,
            entry_id=entry.id,
        )
        for entry, posted, before in rows
    )
    db.session.flush()
    return [posted for _entry, posted, _booked in rows]


@dataclass
class FeeCheck:
    """The statement's fee income beside the fee module's figure for the same month."""

    received_fen: int
    booked_fen: int
    month_closed: bool

    @property
    def difference_fen(self) -> int:
        return self.booked_fen - self.received_fen

    @property
    def agrees(self) -> bool:
        return self.difference_fen == 0


def fee_check(compound_id: int, month: str) -> FeeCheck:
    return FeeCheck(
        received(month, [compound_id]).get(compound_id, 0),
        booked([compound_id]).get((compound_id, month), 0),
        closed(month),
    )
