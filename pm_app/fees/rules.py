"""Alert rules of the fee domain: a compound's collection rate for the last closed month is low,
or has dropped sharply against the months before it — the first sign of "fees go unpaid, the firm
withdraws" (design §2).

The closed period of a sweep is the month before the sweep's as-of month: a sweep on 2026-11-05
judges 2026-10. With the default due date (the last day of the billed month) that is the latest
month whose bills are all due. Rates are by amount and as of the sweep date, so a sweep run again
for a past date sees what was known then, and a late payment lifts the rate: the next sweep no
longer finds the compound and the engine resolves the alert (`cleared`). When the next month
closes the finding moves to the new period, a new stage of the same subject.

Both rules read the same four periods with one GROUP BY over all compounds, plus one query for
the names, streets and firms of the compounds they flag: two statements whatever the city's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from pm_app.alerts.rules import Finding, alert_rule, compound_audiences
from pm_app.extensions import db
from pm_app.fees import rates
from pm_app.fees.billing import FEE_TYPE
from pm_app.fees.models import Bill
from pm_app.fees.periods import period_of, shift
from pm_app.fees.reports.overview import threshold
from pm_app.org.models import Compound

PREVIOUS = 3  # the drop compares with the mean of this many periods before, all of them billed
CRITICAL_BELOW = Decimal("0.60")


@dataclass(frozen=True)
class CompoundRates:
    compound_id: int
    period: str
    rate: Decimal  # amount rate of the closed period
    previous: list[Decimal | None]  # the PREVIOUS periods before it, oldest first; None: not billed


def closed_period(as_of: date) -> str:
    return shift(period_of(as_of), -1)


def compound_rates(as_of: date) -> list[CompoundRates]:
    """Every compound billed in the closed period, with its amount rates (one statement)."""
    period = closed_period(as_of)
    found = rates.rates_by_compound_and_period(rates.any_fee_bills, shift(period, -PREVIOUS), period, as_of)
    result = []
    for (compound_id, billed_period), rate in found.items():
        if billed_period != period or rate.amount_rate is None:
            continue  # a month of nothing receivable (all waived) has no rate to judge
        previous = [found.get((compound_id, shift(period, -n))) for n in range(PREVIOUS, 0, -1)]
        result.append(
            CompoundRates(
                compound_id, period, rate.amount_rate, [r.amount_rate if r is not None else None for r in previous]
            )
        )
    return sorted(result, key=lambda r: r.compound_id)


def is_low(rate: Decimal, limit: Decimal) -> bool:
    return rate < limit  # exactly at the threshold is not low


def drop_points(row: CompoundRates) -> Decimal | None:
    """Percentage points below the mean of the previous periods; None unless all were billed.
    Compares the rounded rates people see, so 90.00 % → 80.00 % is a drop of exactly 10."""
    if any(r is None for r in row.previous):
        return None
    return (sum(row.previous) / len(row.previous) - row.rate) * 100


def _pct(rate: Decimal) -> str:
    return f"{rate * 100:.1f}%"


def _describe(period: str, compound_ids: list[int]) -> dict[int, tuple[int, str, int | None]]:
    """compound id → (street id, name, firm that issued the period's bills), one statement."""
    if not compound_ids:
        return {}
    rows = db.session.execute(
        select(Compound.id, Compound.street_id, Compound.name, func.min(Bill.firm_id))
        .join(Bill, (Bill.compound_id == Compound.id) & (Bill.period == period) & (Bill.fee_type == FEE_TYPE))
        .where(Compound.id.in_(compound_ids))
        .group_by(Compound.id, Compound.street_id, Compound.name)
    )
    return {cid: (street_id, name, firm_id) for cid, street_id, name, firm_id in rows}


def _finding(row: CompoundRates, about: tuple[int, str, int | None], title: str, severity: str) -> Finding:
    street_id, name, firm_id = about
    return Finding(
        "compound",
        row.compound_id,
        f"{name}: {title}",
        severity=severity,
        stage=row.period,
        compound_id=row.compound_id,
        firm_id=firm_id,
        audiences=compound_audiences(street_id, row.compound_id, firm_id),
    )


@alert_rule(
    "fee_collection_low",
    "A compound's fee collection rate (by amount) for the last closed month is below the threshold "
    "(FEE_COLLECTION_LOW_THRESHOLD, default 80 %)",
)
def fee_collection_low(as_of: date, _at: datetime) -> list[Finding]:
    limit = threshold()
    low = [row for row in compound_rates(as_of) if is_low(row.rate, limit)]
    about = _describe(closed_period(as_of), [row.compound_id for row in low])
    return [
        _finding(
            row,
            about[row.compound_id],
            f"{row.period} 物业费收缴率（按金额）{_pct(row.rate)}，低于 {_pct(limit)}",
            "critical" if row.rate < CRITICAL_BELOW else "warning",
        )
        for row in low
        if row.compound_id in about
    ]


@alert_rule(
    "fee_collection_drop",
    "A compound's fee collection rate (by amount) for the last closed month is at least "
    "FEE_COLLECTION_DROP_POINTS (default 10) points below the mean of the three months before it",
)
def fee_collection_drop(as_of: date, _at: datetime) -> list[Finding]:
    points = Decimal(current_app.config["FEE_COLLECTION_DROP_POINTS"])
    dropped = [
        (row, drop) for row in compound_rates(as_of) if (drop := drop_points(row)) is not None and drop >= points
    ]
    about = _describe(closed_period(as_of), [row.compound_id for row, _ in dropped])
    findings = []
    for row, drop in dropped:
        if row.compound_id not in about:
            continue
        mean = sum(row.previous) / len(row.previous)
        findings.append(
            _finding(
                row,
                about[row.compound_id],
                f"{row.period} 物业费收缴率（按金额）{_pct(row.rate)}，比前三个月平均 {_pct(mean)} "
                f"下降 {drop:.1f} 个百分点",
                "warning",
            )
        )
    return findings
