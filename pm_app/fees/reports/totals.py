"""bill_total (fees.models.BillTotal), the bills summed by compound, month, fee type and firm,
held against the bills themselves.

The database keeps the totals: triggers on `bill` add every statement's difference in the same
transaction (migration d6b3f9a2c007), so nothing here runs on a normal day. `differences` is
for checking that it did (`pm-app bill-totals`); `rebuild` recomputes them after someone turned
the triggers off (a bulk load with `session_replication_role = replica`, a restore of one table).
"""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select, text

from pm_app.extensions import db
from pm_app.fees.models import Bill, BillTotal
from pm_app.fees.rates import bill_sums

KEY = ("compound_id", "firm_id", "period", "fee_type")
FIGURES = ("bills", "receivable_fen", "received_fen", "households_billed", "households_paid")


def from_bills():
    """The totals as the bills add up now: one row per key, the columns of KEY + FIGURES (the four
    figures as the rates define them, rates.bill_sums)."""
    keys = [getattr(Bill, name) for name in KEY]
    return select(*keys, func.count(), *bill_sums(Bill.paid_fen, Bill.waived_fen)).group_by(*keys)


def differences() -> list[tuple[tuple, tuple | None, tuple | None]]:
    """(key, what the bills add up to, what bill_total holds) for every key where the two differ,
    None for a side that has no row; empty when the totals are right. A city's totals are ~30,000
    rows on each side, compared here rather than in a FULL JOIN that SQLite may lack."""
    expected = {tuple(row[:4]): tuple(int(v) for v in row[4:]) for row in db.session.execute(from_bills())}
    found = {
        tuple(row[:4]): tuple(int(v) for v in row[4:])
        for row in db.session.execute(select(*(getattr(BillTotal, name) for name in KEY + FIGURES)))
    }
    return [
        (key, expected.get(key), found.get(key))
        for key in sorted(expected.keys() | found.keys(), key=str)
        if expected.get(key) != found.get(key)
    ]


def rebuild() -> int:
    """Recompute every total from the bills, in the caller's transaction; the number of rows.
    On PostgreSQL the bills are locked against writers meanwhile (SHARE: reads go on), so no
    trigger adds to a total between the DELETE and the INSERT."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE bill IN SHARE MODE"))
    db.session.execute(delete(BillTotal))
    db.session.execute(insert(BillTotal).from_select(list(KEY + FIGURES), from_bills()))
    return db.session.scalar(select(func.count()).select_from(BillTotal))
