"""What the rankings tell the firms, through the alerts' outbox: a deduction recorded against
them, the opening of the review (their draft score to check, with the appeal deadline) and the
decision on their appeal. A deduction recorded while the period is still a draft is not sent on
its own: the firm cannot see drafts, and the review's notice counts it."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import func, select

from pm_app.alerts.notices import notify, subject_link
from pm_app.auth.models import Role
from pm_app.extensions import db
from pm_app.rankings.models import Adjustment, AdjustmentKind, Appeal, PeriodState, RankingPeriod, RankingResult

DEDUCTION, REVIEW, APPEAL = "notice_deduction", "notice_review_opened", "notice_appeal_decided"


def _result_page(period_id: int, firm_id: int) -> str:
    return url_for("ranking_firms.result", period_id=period_id, firm_id=firm_id)


@subject_link("adjustment")
def _adjustment(adjustment_id: int, _reader) -> str | None:
    adjustment = db.session.get(Adjustment, adjustment_id)
    return _result_page(adjustment.period_id, adjustment.firm_id) if adjustment else None


@subject_link("appeal")
def _appeal(appeal_id: int, _reader) -> str | None:
    appeal = db.session.get(Appeal, appeal_id)
    return _result_page(appeal.period_id, appeal.firm_id) if appeal else None


@subject_link("ranking_period")
def _period(period_id: int, reader) -> str:
    if reader.role == Role.firm_staff and reader.firm_id:
        return _result_page(period_id, reader.firm_id)
    return url_for("rankings.period", period_id=period_id)


def deduction(adjustment: Adjustment) -> None:
    period = adjustment.period
    if adjustment.kind != AdjustmentKind.deduction or period.state != PeriodState.review:
        return
    veto = "（一票否决）" if adjustment.veto else ""
    notify(
        DEDUCTION,
        "recorded",
        "adjustment",
        adjustment.id,
        f"{period.code} 红黑榜：扣 {adjustment.points} 分{veto}——{adjustment.reason}；"
        f"可于 {period.appeal_deadline} 前申诉",
        [("firm", adjustment.firm_id)],
        firm_id=adjustment.firm_id,
    )


def review_opened(period: RankingPeriod) -> None:
    """One notice per firm measured, each with its own draft score and deductions."""
    deductions = dict(
        db.session.execute(
            select(Adjustment.firm_id, func.count())
            .where(
                Adjustment.period_id == period.id,
                Adjustment.void.is_(False),
                Adjustment.kind == AdjustmentKind.deduction,
            )
            .group_by(Adjustment.firm_id)
        ).all()
    )
    for firm_id, score in db.session.execute(
        select(RankingResult.firm_id, RankingResult.score).where(RankingResult.period_id == period.id)
    ):
        shown = f"得分 {score}" if score is not None else "未评分"
        notify(
            REVIEW,
            f"firm{firm_id}",
            "ranking_period",
            period.id,
            f"{period.code} 红黑榜进入复核：您的{shown}，扣分 {deductions.get(firm_id, 0)} 项；"
            f"有异议请于 {period.appeal_deadline} 前申诉",
            [("firm", firm_id)],
            firm_id=firm_id,
        )


def appeal_decided(appeal: Appeal) -> None:
    period = db.session.get(RankingPeriod, appeal.period_id)
    outcome = "已采纳，该项扣分作废" if appeal.state.value == "accepted" else f"未采纳：{appeal.decision_reason}"
    notify(
        APPEAL,
        "decided",
        "appeal",
        appeal.id,
        f"{period.code} 红黑榜申诉{outcome}",
        [("firm", appeal.firm_id)],
        firm_id=appeal.firm_id,
    )
