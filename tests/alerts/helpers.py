"""Named time helpers for alert tests."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from pm_app.alerts.models import Alert
from pm_app.alerts.sweeps import run_rule
from pm_app.extensions import db


def contract_ends_in(contract, days: int, as_of: date = date(2026, 6, 1)) -> date:
    """Move the contract's end so it falls `days` after `as_of`; returns as_of."""
    contract.end_date = as_of + timedelta(days=days)
    db.session.flush()
    return as_of


def sweep(rule: str, as_of: date, **kw):
    result = run_rule(rule, as_of, **kw)
    db.session.commit()
    return result


def alerts(rule: str | None = None) -> list[Alert]:
    query = select(Alert).order_by(Alert.id)
    if rule:
        query = query.where(Alert.rule == rule)
    return list(db.session.scalars(query))
