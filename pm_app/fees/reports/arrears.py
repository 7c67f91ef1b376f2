"""Arrears (欠费): households with N or more overdue periods not settled, per compound."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from pm_app.auth.scope import scope_clause
from pm_app.common.privacy import mask_name, mask_phone
from pm_app.extensions import db
from pm_app.fees.models import Bill, BillStatus
from pm_app.org.models import Building, Household
from pm_app.org.services import sees_personal_data

UNSETTLED = (BillStatus.unpaid, BillStatus.partial)


@dataclass
class Arrears:
    compound_id: int
    min_periods: int
    as_of: date
    rows: list[dict] = field(default_factory=list)

    @property
    def households(self) -> int:
        return len(self.rows)

    @property
    def periods(self) -> int:
        return sum(row["periods"] for row in self.rows)

    @property
    def outstanding(self) -> int:
        return sum(row["outstanding"] for row in self.rows)


def overdue_clause(user, as_of: date):
    return (scope_clause(Bill, user), Bill.status.in_(UNSETTLED), Bill.due_date < as_of)


def compound_arrears(user, compound_id: int, min_periods: int, as_of: date) -> Arrears:
    """Households owing for `min_periods` or more periods whose due date is before `as_of`,
    most owed first; owners' names and phones masked for roles that may not read them."""
    outstanding = func.sum(Bill.amount_due_fen - Bill.paid_fen - Bill.waived_fen)
    owing = (
        select(
            Bill.household_id,
            func.count().label("periods"),
            outstanding.label("outstanding"),
            func.min(Bill.period).label("first_period"),
            func.max(Bill.period).label("last_period"),
        )
        .where(Bill.compound_id == compound_id, *overdue_clause(user, as_of))
        .group_by(Bill.household_id)
        .having(func.count() >= min_periods)
        .subquery()
    )
    rows = db.session.execute(
        select(owing, Building.name, Household.unit, Household.owner_name, Household.owner_phone)
        .join(Household, Household.id == owing.c.household_id)
        .join(Building, Building.id == Household.building_id)
        .order_by(owing.c.outstanding.desc(), Building.name, Household.unit)
    )
    personal = sees_personal_data(user, compound_id)
    result = Arrears(compound_id, min_periods, as_of)
    for row in rows:
        result.rows.append(
            {
                "household_id": row.household_id,
                "building": row.name,
                "unit": row.unit,
                "owner_name": row.owner_name if personal else mask_name(row.owner_name),
                "owner_phone": row.owner_phone if personal else mask_phone(row.owner_phone),
                "periods": row.periods,
                "first_period": row.first_period,
                "last_period": row.last_period,
                "outstanding": int(row.outstanding),
            }
        )
    return result


def arrears_counts(
    user, where, as_of: date, min_periods: int, compound_ids: list[int] | None = None
) -> dict[int, tuple[int, int]]:
    """compound id → (households in arrears, fen they owe), for lists of compounds: one query.
    `where`: a rates.Where (the bills of a scope); `compound_ids`: only these compounds (a page
    of a list), read through the index of unsettled bills by compound."""
    only = () if compound_ids is None else (Bill.compound_id.in_(compound_ids),)
    per_household = (
        select(
            Bill.compound_id,
            Bill.household_id,
            func.sum(Bill.amount_due_fen - Bill.paid_fen - Bill.waived_fen).label("owed"),
        )
        .where(where(Bill), *overdue_clause(user, as_of), *only)
        .group_by(Bill.compound_id, Bill.household_id)
        .having(func.count() >= min_periods)
        .subquery()
    )
    rows = db.session.execute(
        select(per_household.c.compound_id, func.count(), func.sum(per_household.c.owed)).group_by(
            per_household.c.compound_id
        )
    )
    return {compound_id: (count, int(owed)) for compound_id, count, owed in rows}
