"""Rules of joint completion acceptance (联合竣工验收). Functions flush; the request commits.

- Residents take part: "实行由居民代表、相关单位等共同参与的联合验收制度" (seed 001, 武汉) and
  "由各区政府…组织区级相关部门、建设单位、参建单位、街道、社区、居民代表等进行项目联合竣工验收"
  (seed 004 §六(七)). An acceptance without a residents' representative is refused.
- Two stages, in order: the district's self-acceptance, then the city's comprehensive acceptance
  (seed 004 §九(一): "各区政府…完成地上改造工程自验收工作…市住建局组织相关单位进行综合验收").
- Failing is not the end: "待整改合格后重新予以验收" (seed 002). A failed acceptance lists its
  defects, each with a rectification deadline; a later acceptance that passes closes them.
- The project is accepted on the day its comprehensive acceptance passes. That day becomes its
  `acceptance_date`, where warranties start ("自竣工验收合格之日起计算", 条例 art. 40): items
  that started on the old date move with it and their ends are computed again by their category.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from pm_app.common.clock import today
from pm_app.errors import Conflict, DomainError
from pm_app.extensions import db
from pm_app.locks import locked
from pm_app.org.services import ensure
from pm_app.warranties.acceptance_models import (
    AcceptanceFinding,
    AcceptanceParticipant,
    AcceptanceResult,
    AcceptanceStage,
    ParticipantRole,
    ProjectAcceptance,
)
from pm_app.warranties.models import RenovationProject, WarrantyItem
from pm_app.warranties.services import can_manage_works
from pm_app.warranties.terms import warranty_end

JOINT_RULE = "实行由居民代表、相关单位等共同参与的联合验收制度"
JOINT_SOURCE = "武汉市老旧小区改造经验; 吉市政办发〔2020〕5号 §六(七)"


def acceptances_of(project_id: int) -> list[ProjectAcceptance]:
    return list(
        db.session.scalars(
            select(ProjectAcceptance)
            .where(ProjectAcceptance.project_id == project_id)
            .order_by(ProjectAcceptance.held_on, ProjectAcceptance.id)
        )
    )


def open_findings(project_id: int) -> list[AcceptanceFinding]:
    return list(
        db.session.scalars(
            select(AcceptanceFinding)
            .where(AcceptanceFinding.project_id == project_id, AcceptanceFinding.closed_by_id.is_(None))
            .order_by(AcceptanceFinding.rectify_by, AcceptanceFinding.id)
        )
    )


def passed(acceptances: list[ProjectAcceptance], stage: AcceptanceStage) -> ProjectAcceptance | None:
    return next((a for a in acceptances if a.stage == stage and a.result == AcceptanceResult.passed), None)


def record_acceptance(user, project: RenovationProject, data: dict) -> ProjectAcceptance:
    ensure(can_manage_works(user, project.compound), _l("record an acceptance of this project"))
    project = locked(project)  # two clerks recording at once: the second sees the first's result
    participants = _participants(data.get("participants") or [])
    stage, result, held_on = data["stage"], data["result"], data["held_on"]
    earlier = acceptances_of(project.id)
    _check_order(earlier, stage, held_on)
    findings = _findings(result, held_on, data.get("findings") or [])
    acceptance = ProjectAcceptance(
        project_id=project.id,
        stage=stage,
        held_on=held_on,
        result=result,
        summary=(data.get("summary") or "").strip() or None,
        recorded_by_id=user.id,
        participants=participants,
    )
    acceptance.findings = [AcceptanceFinding(project_id=project.id, **f) for f in findings]
    db.session.add(acceptance)
    db.session.flush()
    if result == AcceptanceResult.passed:
        for finding in open_findings(project.id):
            finding.closed_by_id, finding.closed_on = acceptance.id, held_on
        if stage == AcceptanceStage.comprehensive:
            move_acceptance_date(project, held_on)
    db.session.flush()
    return acceptance


def _participants(rows: list[dict]) -> list[AcceptanceParticipant]:
    people = [
        AcceptanceParticipant(role=ParticipantRole(r["role"]), name=r["name"].strip())
        for r in rows
        if (r.get("name") or "").strip()
    ]
    if not any(p.role == ParticipantRole.residents for p in people):
        raise DomainError(
            _(
                "A joint acceptance needs at least one residents' representative: “%(rule)s” (%(source)s).",
                rule=JOINT_RULE,
                source=JOINT_SOURCE,
            ),
            {"participants": [_("name at least one residents' representative")]},
        )
    return people


def _check_order(earlier: list[ProjectAcceptance], stage: AcceptanceStage, held_on: date) -> None:
    if held_on > today():
        raise DomainError(
            _("An acceptance cannot be recorded before it is held."), {"held_on": [_("is in the future")]}
        )
    if earlier and held_on < earlier[-1].held_on:
        raise DomainError(
            _("An acceptance cannot be dated before the previous one (%(day)s).", day=earlier[-1].held_on.isoformat()),
            {"held_on": [_("before the previous acceptance")]},
        )
    if passed(earlier, AcceptanceStage.comprehensive):
        raise Conflict(
            _("This project has passed its comprehensive acceptance already."), {"stage": [_("already accepted")]}
        )
    if stage == AcceptanceStage.district_self and passed(earlier, AcceptanceStage.district_self):
        raise Conflict(
            _("This project has passed its self-acceptance already; the comprehensive acceptance comes next."),
            {"stage": [_("self-acceptance already passed")]},
        )
    if stage == AcceptanceStage.comprehensive and not passed(earlier, AcceptanceStage.district_self):
        raise Conflict(
            _(
                "The comprehensive acceptance follows a passed self-acceptance by the district "
                "(吉市政办发〔2020〕5号 §九(一))."
            ),
            {"stage": [_("self-acceptance not passed yet")]},
        )


def _findings(result: AcceptanceResult, held_on: date, rows: list[dict]) -> list[dict]:
    rows = [
        {"description": r["description"].strip(), "rectify_by": r["rectify_by"]}
        for r in rows
        if (r.get("description") or "").strip()
    ]
    if result == AcceptanceResult.passed and rows:
        raise DomainError(
            _("A passed acceptance leaves nothing to rectify: record defects with a failed one."),
            {"findings": [_("only with a failed acceptance")]},
        )
    if result == AcceptanceResult.failed and not rows:
        raise DomainError(
            _("Say which defects must be rectified before the works are accepted again: “待整改合格后重新予以验收”."),
            {"findings": [_("at least one defect")]},
        )
    if any(r["rectify_by"] is None or r["rectify_by"] < held_on for r in rows):
        raise DomainError(
            _("Each defect needs a rectification deadline on or after the acceptance day."),
            {"findings": [_("deadline missing or before the acceptance day")]},
        )
    return rows


def move_acceptance_date(project: RenovationProject, accepted_on: date) -> None:
    """The project is accepted on `accepted_on`: warranties that started on the old date start
    then, and end by their own category's term; items given another start keep it."""
    previous = project.acceptance_date
    project.acceptance_date = accepted_on
    if previous == accepted_on:
        return
    items = db.session.scalars(
        select(WarrantyItem).where(WarrantyItem.project_id == project.id, WarrantyItem.warranty_start == previous)
    )
    for item in items:
        # Both at once: reading the category may flush, and a new start beside the old end can
        # break ends_after_start when the acceptance moved past the old end.
        end = warranty_end(item.category.term_unit, accepted_on, item.warranty_years)
        item.warranty_start, item.warranty_end = accepted_on, end
