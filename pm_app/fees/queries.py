"""Read-only queries behind the fee pages. Each starts from the caller's scope and aggregates
in SQL, so a page costs the same number of statements for ten compounds as for a thousand."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager

from pm_app.auth.models import Role
from pm_app.auth.scope import scope_clause, visible
from pm_app.extensions import db
from pm_app.fees.billing import FEE_TYPE
from pm_app.fees.models import Bill, BillStatus, Payment
from pm_app.fees.periods import FIRST, LAST
from pm_app.org.models import Building, Firm, FirmKind, Household, Street

EXPORT_BATCH = 1000


def sees_fees(user) -> bool:
    """A contractor builds; it has no fee data anywhere, so fee pages do not exist for it."""
    return user.role != Role.contractor_staff


def refuse_without_fees() -> None:
    """`before_request` of every fee API blueprint: for a contractor the fee endpoints do not exist
    (404), as the fee pages do not (its bills are out of scope anyway; it gets no empty answers)."""
    from flask_login import current_user

    from pm_app.errors import NotFound

    if current_user.is_authenticated and not sees_fees(current_user):
        raise NotFound()


def latest_period(user, compound_id: int) -> str | None:
    # Only periods in their one spelling: a row written before common.inputs ("٢٠٢٦-11" sorts
    # after every ASCII one) would otherwise be the latest, and the page would be built around it.
    return db.session.scalar(
        select(func.max(Bill.period)).where(
            Bill.compound_id == compound_id,
            Bill.fee_type == FEE_TYPE,
            scope_clause(Bill, user),
            Bill.period.between(FIRST, LAST),
        )
    )


def bills_query(user, compound_id: int, period: str, status: BillStatus | None) -> Select:
    """The period's bills with their household and building, in the order of the notice board."""
    query = (
        select(Bill)
        .join(Bill.household)
        .join(Household.building)
        .options(contains_eager(Bill.household).contains_eager(Household.building))
        .where(
            scope_clause(Bill, user), Bill.compound_id == compound_id, Bill.period == period, Bill.fee_type == FEE_TYPE
        )
        .order_by(Building.name, Household.unit)
    )
    return query.where(Bill.status == status) if status is not None else query


def period_totals(user, compound_id: int, period: str) -> dict:
    """Bills and money of the period by status, for the filter and the totals line."""
    rows = db.session.execute(
        select(
            Bill.status, func.count(), func.sum(Bill.amount_due_fen), func.sum(Bill.paid_fen), func.sum(Bill.waived_fen)
        )
        .where(
            scope_clause(Bill, user), Bill.compound_id == compound_id, Bill.period == period, Bill.fee_type == FEE_TYPE
        )
        .group_by(Bill.status)
    )
    totals = {"bills": 0, "due": 0, "paid": 0, "waived": 0, "by_status": {}}
    for status, count, due, paid, waived in rows:
        totals["by_status"][status] = count
        totals["bills"] += count
        totals["due"] += int(due or 0)
        totals["paid"] += int(paid or 0)
        totals["waived"] += int(waived or 0)
    totals["outstanding"] = totals["due"] - totals["paid"] - totals["waived"]
    return totals


def export_bills(query: Select) -> Iterator[Bill]:
    """The rows of `bills_query`, read in batches: a city street's period is tens of thousands."""
    yield from db.session.scalars(query.execution_options(yield_per=EXPORT_BATCH))


def payments_of(user, bill_id: int) -> list[Payment]:
    return list(db.session.scalars(visible(Payment, user).where(Payment.bill_id == bill_id).order_by(Payment.id)))


def overview_choices(user) -> dict:
    """The scopes the overview offers this role: the city, streets, firms (all visible ones for
    the city's roles, the officer's own streets, the staff member's own firm)."""
    if user.sees_whole_city or user.city_regulator:  # a city's regulator: its city's streets (scope)
        return {
            "city": True,
            "streets": list(db.session.scalars(visible(Street, user).order_by(Street.name))),
            "firms": list(
                db.session.scalars(visible(Firm, user).where(Firm.kind == FirmKind.property).order_by(Firm.name))
            ),
        }
    if user.role == Role.street_officer:
        return {"city": False, "streets": sorted(user.streets, key=lambda s: s.name), "firms": []}
    if user.role == Role.firm_staff and user.firm is not None:
        return {"city": False, "streets": [], "firms": [user.firm]}
    return {"city": False, "streets": [], "firms": []}
