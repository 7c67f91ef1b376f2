"""A compound's fee history in the bill import's own format: one row per bill and payment (a bill
without payments on a row of its own), headed with the import's column names.

It is how a compound's books travel when the compound changes hands or systems: export here,
import there (`imports.import_bills`), and the receiving side gets the same bills, the same
payments and the same statuses. Payments that were reversed, and their reversals, cancel out and
are left out; waivers are not part of the format and stay behind (the receiving side records
them again with their approver).
"""

from __future__ import annotations

from collections.abc import Iterator
from operator import itemgetter

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import aliased

from pm_app.auth.scope import scope_clause
from pm_app.common.cells import day, moment, money
from pm_app.extensions import db
from pm_app.fees.billing import FEE_TYPE
from pm_app.fees.import_columns import FIELDS
from pm_app.fees.models import Bill, Payment
from pm_app.org.models import Building, Household

HEADERS = FIELDS  # building, unit, period, amount_due, due_date, amount_paid, paid_at, method
# For fees.exports.download: the headers stay the import's column names in every language.
COLUMNS = tuple((name, itemgetter(i)) for i, name in enumerate(HEADERS))
BATCH = 2000


def history_rows(
    user, compound_id: int, period_from: str | None = None, period_to: str | None = None
) -> Iterator[list]:
    """The rows, streamed in batches (a compound's 36 months are some 70,000 of them)."""
    reversal = aliased(Payment)
    standing = and_(
        Payment.bill_id == Bill.id,
        Payment.reversal_of_id.is_(None),
        ~exists(select(reversal.id).where(reversal.reversal_of_id == Payment.id)),
    )
    query = (
        select(
            Building.name,
            Household.unit,
            Bill.period,
            Bill.amount_due_fen,
            Bill.due_date,
            Payment.amount_fen,
            Payment.paid_at,
            Payment.method,
        )
        .join(Household, Household.id == Bill.household_id)
        .join(Building, Building.id == Household.building_id)
        .outerjoin(Payment, standing)
        .where(scope_clause(Bill, user), Bill.compound_id == compound_id, Bill.fee_type == FEE_TYPE)
        .order_by(Building.name, Household.unit, Bill.period, Payment.paid_at, Payment.id)
    )
    if period_from:
        query = query.where(Bill.period >= period_from)
    if period_to:
        query = query.where(Bill.period <= period_to)
    for building, unit, period, due, due_date, paid, paid_at, method in db.session.execute(
        query.execution_options(yield_per=BATCH)
    ):
        # Typed cells (common.cells) whose CSV text is what the import reads back.
        yield [
            building,
            unit,
            period,
            money(due),
            day(due_date),
            money(paid),
            moment(paid_at, seconds=True),
            method.value if method is not None else "",
        ]
