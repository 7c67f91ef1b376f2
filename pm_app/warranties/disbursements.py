"""Payments made on a renovation project (资金支付): day, amount and the funding source paid from.

A payment is refused when its source funds nothing on the project, or when it would take more
from a source than the project's funding holds: payment progress (seed 003: "支付进度为44.2%")
cannot pass 100 %. The project's row is locked first, so two payments sent at once are checked
one after the other and cannot both take the last of a source."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from pm_app.common.clock import today
from pm_app.common.money import fen_to_yuan
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.locks import locked
from pm_app.org.services import ensure
from pm_app.warranties.funding_models import Disbursement
from pm_app.warranties.labels import works_label
from pm_app.warranties.models import FundingSource, ProjectFunding, RenovationProject
from pm_app.warranties.services import can_manage_works


def paid_by_source(project_id: int) -> dict[FundingSource, int]:
    query = (
        select(Disbursement.source, func.sum(Disbursement.amount_fen))
        .where(Disbursement.project_id == project_id)
        .group_by(Disbursement.source)
    )
    return {source: int(total) for source, total in db.session.execute(query)}


def record(
    user, project: RenovationProject, paid_on: date, amount_fen: int, source: FundingSource, note: str | None = None
) -> Disbursement:
    ensure(can_manage_works(user, project.compound), _l("record payments on this project"))
    project = locked(project)
    errors = {}
    if paid_on > today():
        errors["paid_on"] = [_("cannot be in the future")]
    if amount_fen <= 0:
        errors["amount"] = [_("must be greater than zero")]
    funded = db.session.scalar(
        select(ProjectFunding.amount_fen).where(
            ProjectFunding.project_id == project.id, ProjectFunding.source == source
        )
    )
    if not funded:
        errors["source"] = [
            _("%(source)s funds nothing on this project; record its funding first", source=works_label(source))
        ]
    elif amount_fen > 0:
        left = funded - paid_by_source(project.id).get(source, 0)
        if amount_fen > left:
            errors["amount"] = [
                _(
                    "at most %(left)s yuan: what is left of %(source)s's %(funded)s yuan",
                    left=fen_to_yuan(left),
                    source=works_label(source),
                    funded=fen_to_yuan(funded),
                )
            ]
    if errors:
        raise DomainError(_("The payment was not recorded."), errors)
    payment = Disbursement(
        project_id=project.id,
        paid_on=paid_on,
        amount_fen=amount_fen,
        source=source,
        note=(note or "").strip() or None,
        recorded_by_id=user.id,
    )
    db.session.add(payment)
    db.session.flush()
    return payment


def of_project(project_id: int) -> list[Disbursement]:
    return list(
        db.session.scalars(
            select(Disbursement)
            .where(Disbursement.project_id == project_id)
            .order_by(Disbursement.paid_on, Disbursement.id)
        )
    )
