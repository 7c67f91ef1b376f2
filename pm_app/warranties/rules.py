"""Alert rules of the works and warranties domain: guarantees that are about to lapse unclaimed,
and quality-guarantee deposits (质量保证金) that are due to be decided — design §2, "warranties
lapse unclaimed" being one of the ways a renovated compound becomes old again.

`warranty_expiring`: an item whose end lies in (as_of, as_of + 180] is a finding, staged by the
days left (`end - as_of`): ≤ 30 → `T-30` (critical), ≤ 90 → `T-90`, else `T-180` (warnings). The
end date is the first day the item is no longer covered (`dates.state`), so an item ending on
as_of has lapsed: the rule no longer finds it and the engine resolves its alert as `cleared`.
A recorded joint inspection does not silence the alert: the guarantee still ends, and the
inspection's findings open claims of their own.

`deposit_release_due`: a project with something of its deposit left to decide (deposit − returned
− forfeited > 0) whose planned release date is at most 30 days after as_of: stage `due` before the
date, `overdue` on and after it (critical). Deciding the rest of the deposit (release or forfeit)
clears it.

Each rule is one statement, whatever the number of items or projects.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from pm_app.alerts.rules import Audience, Finding, alert_rule, compound_audiences, group_context
from pm_app.common.money import fen_to_yuan
from pm_app.extensions import db
from pm_app.org.models import Compound, ServiceContract
from pm_app.warranties.dates import EXPIRING_DAYS
from pm_app.warranties.models import RenovationProject, WarrantyCategory, WarrantyItem

WARRANTY_STAGES = ((30, "T-30", "critical"), (90, "T-90", "warning"), (EXPIRING_DAYS, "T-180", "warning"))
DEPOSIT_NOTICE_DAYS = 30


def warranty_stage(days_left: int) -> tuple[str, str] | None:
    """(stage, severity) of an item with `days_left` until its end, None outside (0, 180]."""
    if days_left <= 0:
        return None
    return next(((stage, severity) for limit, stage, severity in WARRANTY_STAGES if days_left <= limit), None)


def _current_firms(as_of: date):
    """compound id → the property firm whose contract covers as_of (the lowest id if two overlap)."""
    return (
        select(ServiceContract.compound_id, func.min(ServiceContract.firm_id).label("firm_id"))
        .where(ServiceContract.start_date <= as_of, ServiceContract.end_date >= as_of)
        .group_by(ServiceContract.compound_id)
        .subquery()
    )


def _audiences(street_id: int, compound_id: int, firm_id: int | None, contractor_id: int) -> tuple[Audience, ...]:
    return compound_audiences(street_id, compound_id, firm_id) + (("contractor", contractor_id),)


@alert_rule(
    "warranty_expiring",
    "A warranty item ends within 180 days: a pre-expiry joint inspection is due (stages T-180, T-90, T-30)",
)
def warranty_expiring(as_of: date, _at: datetime) -> list[Finding]:
    firms = _current_firms(as_of)
    rows = db.session.execute(
        select(
            WarrantyItem.id,
            WarrantyItem.warranty_end,
            WarrantyItem.description,
            WarrantyCategory.name,
            Compound.id,
            Compound.street_id,
            Compound.name,
            RenovationProject.contractor_id,
            firms.c.firm_id,
        )
        .join(RenovationProject, RenovationProject.id == WarrantyItem.project_id)
        .join(Compound, Compound.id == WarrantyItem.compound_id)
        .join(WarrantyCategory, WarrantyCategory.id == WarrantyItem.category_id)
        .outerjoin(firms, firms.c.compound_id == Compound.id)
        .where(WarrantyItem.warranty_end > as_of, WarrantyItem.warranty_end <= as_of + timedelta(days=EXPIRING_DAYS))
        .order_by(WarrantyItem.id)
    )
    findings = []
    for item_id, end, description, category, compound_id, street_id, name, contractor_id, firm_id in rows:
        days = (end - as_of).days
        stage, severity = warranty_stage(days)
        findings.append(
            Finding(
                "warranty_item",
                item_id,
                f"{name}：{category}「{description}」质保期将于 {end} 届满（剩 {days} 天），请组织质保期满前联合检查",
                severity=severity,
                stage=stage,
                compound_id=compound_id,
                firm_id=contractor_id,
                due_on=end,
                audiences=_audiences(street_id, compound_id, firm_id, contractor_id),
            )
        )
    return findings


@alert_rule(
    "deposit_release_due",
    "A project's quality-guarantee deposit is due for release within 30 days (or overdue) and not fully decided",
)
def deposit_release_due(as_of: date, _at: datetime) -> list[Finding]:
    left = (
        RenovationProject.deposit_fen - RenovationProject.deposit_returned_fen - RenovationProject.deposit_forfeited_fen
    )
    rows = db.session.execute(
        select(
            RenovationProject.id,
            RenovationProject.name,
            RenovationProject.deposit_release_date,
            RenovationProject.contractor_id,
            left,
            Compound.id,
            Compound.street_id,
            Compound.name,
        )
        .join(Compound, Compound.id == RenovationProject.compound_id)
        .where(
            left > 0,
            RenovationProject.deposit_release_date.is_not(None),
            RenovationProject.deposit_release_date <= as_of + timedelta(days=DEPOSIT_NOTICE_DAYS),
        )
        .order_by(RenovationProject.id)
    )
    findings = []
    for project_id, project, release_on, contractor_id, left_fen, compound_id, street_id, name in rows:
        days = (release_on - as_of).days
        if days > 0:
            stage, severity, when = "due", "warning", f"计划于 {release_on} 退还（剩 {days} 天）"
        else:
            stage, severity, when = "overdue", "critical", f"计划退还日 {release_on} 已过 {-days} 天"
        findings.append(
            Finding(
                "renovation_project",
                project_id,
                f"{name}「{project}」: 质量保证金尚余 {fen_to_yuan(left_fen)} 元未处理，{when}，请核查保修情况后退还或扣除",
                severity=severity,
                stage=stage,
                compound_id=compound_id,
                firm_id=contractor_id,
                due_on=release_on,
                audiences=(("street", street_id), ("regulator", 0), ("contractor", contractor_id)),
            )
        )
    return findings


@group_context("warranty_item", _l("Project"))
def projects_of_items(item_ids: list[int]) -> dict[int, str]:
    """An expiring item's project, named on its inbox group: "18 items … (project X)"."""
    return dict(
        db.session.execute(
            select(WarrantyItem.id, RenovationProject.name)
            .join(RenovationProject, RenovationProject.id == WarrantyItem.project_id)
            .where(WarrantyItem.id.in_(item_ids))
        ).all()
    )
