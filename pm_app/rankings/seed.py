"""Seed step for the rankings: last quarter published, the current quarter a draft, so the demo
shows the public lists, a firm's history and a workspace to compute and review.

Last quarter's awards and deductions are drawn from the step's own random generator (the same
ones every time): a deduction for about a third of the firms, an award for a few, and a veto for
the firm ranked last when there are enough firms, so the black list is never empty. No appeal is
filed: appeals are a firm's act, left for the demo's firm account to try on the draft."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import select

from pm_app.auth.models import Role
from pm_app.extensions import db
from pm_app.org.seed_run import SeedRun
from pm_app.rankings import adjustments, periods
from pm_app.rankings.models import RankingResult

# The seed acts as the city's regulator; the rows it makes have no user behind them.
SEEDER = SimpleNamespace(id=None, role=Role.regulator, sees_whole_city=True, city_regulator=False)
FAULTS = ("消防通道堵塞未按期整改", "12345投诉处置超时", "公共区域保洁不到位", "电梯年检逾期")
MERITS = ("获评市级示范物业项目", "防汛抢险表现突出")


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def seed_rankings(run: SeedRun) -> None:
    rng = run.rng("rankings")
    current = quarter_of(run.as_of)
    last = quarter_of(periods.dates_of(current)[0] - timedelta(days=1))
    run.report("rankings", 0, 2)
    period = periods.compute(SEEDER, periods.create_period(SEEDER, last))
    rated = list(
        db.session.scalars(
            select(RankingResult)
            .where(RankingResult.period_id == period.id, RankingResult.rated.is_(True))
            .order_by(RankingResult.rank)
        )
    )
    for result in rated:
        roll = rng.random()
        if roll < 0.35:
            _adjust(period, result, "deduction", rng.choice((2, 3, 5, 8)), rng.choice(FAULTS))
        elif roll > 0.85:
            _adjust(period, result, "award", rng.choice((3, 5)), rng.choice(MERITS))
    if len(rated) >= 2:
        _adjust(period, rated[-1], "deduction", 10, "发生较大安全责任事故（一票否决）", veto=True)
    periods.open_review(SEEDER, period)
    periods.publish(SEEDER, period)
    run.report("rankings", 1, 2)
    periods.compute(SEEDER, periods.create_period(SEEDER, current))
    run.report("rankings", 2, 2)


def _adjust(period, result, kind: str, points: int, reason: str, veto: bool = False) -> None:
    adjustments.add_adjustment(
        SEEDER,
        period,
        {
            "firm_id": result.firm_id,
            "kind": kind,
            "points": Decimal(points),
            "reason": reason,
            "veto": veto,
            "evidence": f"市住建局检查通报 {period.code}-{result.firm_id:03d}",
            "occurred_on": period.ends_on - timedelta(days=20),
            "rectify_by": period.ends_on + timedelta(days=30) if kind == "deduction" else None,
        },
    )
