"""Monthly statements of a compound's books, and the month-by-month income and expense the
accounts page charts. Each is one GROUP BY, whatever the number of entries.

Statement of month M, per account: opening = Σ in − Σ out of entries dated before M's first day;
in and out = the month's entries by direction; closing = opening + in − out. Reversals count
in the month they are dated, in their own direction, so a closed month's figures never change
when a later mistake is corrected.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, extract, func, select

from pm_app.committees.anchors import Anchor
from pm_app.committees.models import Account, Direction, LedgerEntry
from pm_app.common.cells import money
from pm_app.extensions import db
from pm_app.fees.services import first_day, last_day, period_of, period_range

ACCOUNTS = {
    Account.fee_income: _l("Fee income"),
    Account.public_revenue: _l("Public revenue"),
    Account.operating_expense: _l("Operating expense"),
    Account.maintenance_fund: _l("Maintenance fund"),
}
INCOME_ACCOUNTS = (Account.fee_income, Account.public_revenue)


@dataclass
class StatementLine:
    account: Account
    opening: int
    in_: int
    out: int

    @property
    def closing(self) -> int:
        return self.opening + self.in_ - self.out


def _sum(condition):
    return func.coalesce(func.sum(case((condition, LedgerEntry.amount_fen), else_=0)), 0)


def statement(compound_id: int, month: str) -> list[StatementLine]:
    """One line per account, in ACCOUNTS order, zeros for an account without entries."""
    start, end = first_day(month), last_day(month)
    before, within = LedgerEntry.entry_date < start, LedgerEntry.entry_date >= start
    is_in, is_out = LedgerEntry.direction == Direction.in_, LedgerEntry.direction == Direction.out
    rows = db.session.execute(
        select(
            LedgerEntry.account,
            _sum(and_(before, is_in)) - _sum(and_(before, is_out)),
            _sum(and_(within, is_in)),
            _sum(and_(within, is_out)),
        )
        .where(LedgerEntry.compound_id == compound_id, LedgerEntry.entry_date <= end)
        .group_by(LedgerEntry.account)
    )
    found = {Account(account): (int(o), int(i), int(x)) for account, o, i, x in rows}
    return [StatementLine(account, *found.get(account, (0, 0, 0))) for account in ACCOUNTS]


def last_month(compound_id: int) -> str | None:
    """The month of the compound's latest-dated entry (None while the books are empty)."""
    day = db.session.scalar(select(func.max(LedgerEntry.entry_date)).where(LedgerEntry.compound_id == compound_id))
    return period_of(day) if day else None


def balances(compound_id: int) -> dict[Account, int]:
    signed = case((LedgerEntry.direction == Direction.in_, LedgerEntry.amount_fen), else_=-LedgerEntry.amount_fen)
    rows = db.session.execute(
        select(LedgerEntry.account, func.sum(signed))
        .where(LedgerEntry.compound_id == compound_id)
        .group_by(LedgerEntry.account)
    )
    found = {Account(account): int(total) for account, total in rows}
    return {account: found.get(account, 0) for account in ACCOUNTS}


def monthly_flows(compound_id: int, first: str, last: str) -> list[dict]:
    """Per month from `first` to `last`: income (fee income and public revenue, net of their
    reversals), expense (operating expense net of reversals) and fund draws (maintenance fund out
    net of reversals), in fen."""
    year, month = extract("year", LedgerEntry.entry_date), extract("month", LedgerEntry.entry_date)
    signed_in = case((LedgerEntry.direction == Direction.in_, LedgerEntry.amount_fen), else_=-LedgerEntry.amount_fen)
    income = func.sum(case((LedgerEntry.account.in_(INCOME_ACCOUNTS), signed_in), else_=0))
    expense = func.sum(case((LedgerEntry.account == Account.operating_expense, -signed_in), else_=0))
    draws = func.sum(case((LedgerEntry.account == Account.maintenance_fund, -signed_in), else_=0))
    rows = db.session.execute(
        select(year, month, income, expense, draws)
        .where(
            LedgerEntry.compound_id == compound_id,
            LedgerEntry.entry_date >= first_day(first),
            LedgerEntry.entry_date <= last_day(last),
        )
        .group_by(year, month)
    )
    found = {f"{int(y):04d}-{int(m):02d}": (int(i), int(e), max(int(d), 0)) for y, m, i, e, d in rows}
    return [
        {
            "month": p,
            "income": found.get(p, (0, 0, 0))[0],
            "expense": found.get(p, (0, 0, 0))[1],
            "fund_draws": found.get(p, (0, 0, 0))[2],
        }
        for p in period_range(first, last)
    ]


STATEMENT_COLUMNS = tuple(
    (title, itemgetter(i)) for i, title in enumerate((_l("Account"), _l("Opening"), _l("In"), _l("Out"), _l("Closing")))
)
ANCHOR_LABEL = _l("Ledger anchor (the last entry's seq and hash when this statement was issued)")
FEES_RECEIVED_LABEL = _l("Fees received (fee module)")
FEES_DIFFER_LABEL = _l("Difference: fee income in the books less fees received")


def statement_table(lines: list[StatementLine], anchor: Anchor | None, fees=None) -> list[tuple]:
    """The statement as the CSV and XLSX write it: one row per account; the fee module's figure
    under In beside fee income (and the difference when the two disagree); then the anchor
    printed on it (seq under Opening, hash under In), which the committee keeps to check the books by."""
    rows = [
        (str(ACCOUNTS[line.account]), money(line.opening), money(line.in_), money(line.out), money(line.closing))
        for line in lines
    ]
    if fees is not None:
        rows.append((str(FEES_RECEIVED_LABEL), "", money(fees.received_fen), "", ""))
        if not fees.agrees:
            rows.append((str(FEES_DIFFER_LABEL), "", money(fees.difference_fen), "", ""))
    if anchor is not None:
        rows.append((str(ANCHOR_LABEL), anchor.seq, anchor.hash, "", ""))
    return rows
