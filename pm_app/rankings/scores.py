"""Writing a period's results: the measured indicators (`measure_into`), the scores from them and
the awards and deductions (`rescore`, cheap: run again after every deduction or appeal), and the
snapshot publication freezes (`freeze_results`)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import case, func, insert, select
from sqlalchemy.orm import selectinload

from pm_app.extensions import db
from pm_app.rankings.indicators import measure
from pm_app.rankings.models import Adjustment, AdjustmentKind, RankingPeriod, RankingResult, ResultCompound
from pm_app.rankings.schemes import INDICATORS
from pm_app.rankings.scoring import base_score, indicator_score, outcome


def measure_into(period: RankingPeriod) -> None:
    scheme = period.scheme
    measured = measure(period.starts_on, period.ends_on)
    for firm in sorted(measured.values(), key=lambda m: m.firm_id):
        values = firm.values()
        reason = None
        if firm.households < scheme.min_households:
            reason = "too_few_households"
        elif not firm.receivable:
            reason = "no_bills"
        indicators, scored = {}, {}
        for code in INDICATORS:
            rule, value = scheme.indicators[code], values[code]
            score = None if value is None else indicator_score(value, Decimal(rule["floor"]), Decimal(rule["target"]))
            scored[code] = score
            indicators[code] = {
                "value": _text(value),
                "score": _text(score),
                "weight": rule["weight"],
                **firm.counts()[code],
            }
        result = RankingResult(
            period_id=period.id,
            firm_id=firm.firm_id,
            firm_name=firm.firm_name,
            households=firm.households,
            compounds=len(firm.compounds),
            rated=reason is None,
            not_rated_reason=reason,
            indicators=indicators,
            base_score=base_score(scored, scheme.indicators) if reason is None else None,
        )
        db.session.add(result)
        db.session.flush()
        if firm.compounds:
            db.session.execute(
                insert(ResultCompound),
                [{"result_id": result.id, "compound_id": cid, "households": n} for cid, n in firm.compounds.items()],
            )


def rescore(period: RankingPeriod) -> None:
    """Scores, grades, lists and ranks from the stored base scores and the adjustments that count."""
    scheme = period.scheme
    adjustments = {
        row.firm_id: row
        for row in db.session.execute(
            select(
                Adjustment.firm_id,
                func.coalesce(func.sum(case((Adjustment.kind == AdjustmentKind.award, Adjustment.points))), 0).label(
                    "awards"
                ),
                func.coalesce(
                    func.sum(case((Adjustment.kind == AdjustmentKind.deduction, Adjustment.points))), 0
                ).label("deductions"),
                func.count(case((Adjustment.veto.is_(True), 1))).label("vetoes"),
            )
            .where(Adjustment.period_id == period.id, Adjustment.void.is_(False))
            .group_by(Adjustment.firm_id)
        )
    }
    results = list(db.session.scalars(select(RankingResult).where(RankingResult.period_id == period.id)))
    for result in results:
        row = adjustments.get(result.firm_id)
        awards = Decimal(row.awards) if row else Decimal(0)
        deductions = Decimal(row.deductions) if row else Decimal(0)
        veto = bool(row and row.vetoes)
        if not result.rated:
            # Too small to score is no shelter: a veto (abandoning a compound, a major safety
            # incident) black-lists the firm whatever its size (issue 26, point 4), unscored.
            result.awards, result.deductions, result.veto = min(awards, scheme.award_cap), deductions, veto
            result.score = result.grade = result.rank = None
            result.list_name = "black" if veto else None
            continue
        done = outcome(result.base_score, awards, deductions, veto, scheme.bands, scheme.award_cap)
        result.awards, result.deductions, result.score = done.awards, done.deductions, done.score
        result.grade, result.list_name, result.veto = done.grade, done.list_name, done.veto
    ranked = sorted((r for r in results if r.rated), key=lambda r: (-r.score, r.firm_name, r.firm_id))
    for position, result in enumerate(ranked, start=1):
        result.rank = position
    db.session.flush()


def freeze_results(period: RankingPeriod) -> None:
    """Copy into each result what it was scored with, so the publication stands on its own."""
    counted: dict[int, list] = {}
    for adjustment in db.session.scalars(
        select(Adjustment)
        .options(selectinload(Adjustment.appeal))
        .where(Adjustment.period_id == period.id)
        .order_by(Adjustment.occurred_on, Adjustment.id)
    ):
        counted.setdefault(adjustment.firm_id, []).append(adjustment_dict(adjustment))
    for result in db.session.scalars(select(RankingResult).where(RankingResult.period_id == period.id)):
        result.snapshot = {"adjustments": counted.get(result.firm_id, [])}


def adjustment_dict(adjustment: Adjustment) -> dict:
    appeal = adjustment.appeal
    return {
        "id": adjustment.id,
        "kind": adjustment.kind.value,
        "points": str(adjustment.points),
        "reason": adjustment.reason,
        "veto": adjustment.veto,
        "void": adjustment.void,
        "ticket_id": adjustment.ticket_id,
        "inspection_id": adjustment.inspection_id,
        "document": adjustment.document,
        "occurred_on": adjustment.occurred_on.isoformat(),
        "rectify_by": adjustment.rectify_by.isoformat() if adjustment.rectify_by else None,
        "appeal": None
        if appeal is None
        else {"state": appeal.state.value, "grounds": appeal.grounds, "decision_reason": appeal.decision_reason},
    }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
