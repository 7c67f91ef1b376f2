"""The collection overview of a street, a firm or the city: a trend per period and the
compounds ranked worst first. A fixed number of queries whatever the number of compounds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from pm_app.auth.scope import scope_clause
from pm_app.extensions import db
from pm_app.fees import rates
from pm_app.org.models import Compound


def threshold() -> Decimal:
    return Decimal(current_app.config["FEE_COLLECTION_LOW_THRESHOLD"])


def ranked_compounds(
    user, scope: str, scope_id: int | None, period_from: str, period_to: str, as_of: date | None = None
) -> list[dict]:
    """One row per billed compound of the scope, lowest amount rate first (unrated last)."""
    where = rates.scope_filter(user, scope, scope_id)
    by_compound = rates.rates_by_compound(where, period_from, period_to, as_of)
    compounds = (
        db.session.execute(
            select(Compound.id, Compound.code, Compound.name, Compound.street_id).where(
                Compound.id.in_(list(by_compound)), scope_clause(Compound, user)
            )
        )
        if by_compound
        else []
    )
    limit = threshold()
    rows = []
    for compound_id, code, name, street_id in compounds:
        rate = by_compound[compound_id]
        rows.append(
            {
                "compound_id": compound_id,
                "code": code,
                "name": name,
                "street_id": street_id,
                "receivable": rate.receivable,
                "received": rate.received,
                "amount_rate": rate.amount_rate,
                "households_billed": rate.households_billed,
                "households_paid": rate.households_paid,
                "household_rate": rate.household_rate,
                "below_threshold": rate.amount_rate is not None and rate.amount_rate < limit,
            }
        )
    rows.sort(key=lambda r: (r["amount_rate"] is None, r["amount_rate"] or 0, r["code"]))
    return rows
