"""Awards (加分) and deductions (扣分) of a firm in a period, with their evidence. The regulator
records them while the period is a draft or in review; each one rescores the period at once."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from pm_app.common.clock import today
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.org.services import ensure
from pm_app.rankings import notices, scores
from pm_app.rankings.freeze import lock_open
from pm_app.rankings.models import Adjustment, AdjustmentKind, RankingPeriod, RankingResult
from pm_app.rankings.periods import can_run
from pm_app.tickets.models import Ticket
from pm_app.warranties.models import Inspection


def add_adjustment(user, period: RankingPeriod, data: dict) -> Adjustment:
    ensure(can_run(user), _l("record awards and deductions"))
    period = lock_open(period)
    firm_id = data["firm_id"]
    if (
        db.session.scalar(
            select(RankingResult.id).where(RankingResult.period_id == period.id, RankingResult.firm_id == firm_id)
        )
        is None
    ):
        raise DomainError(
            _("The firm is not measured in this period; compute the period first."),
            {"firm_id": [_("no result for this firm in the period")]},
        )
    kind = AdjustmentKind(data.get("kind") or "deduction")
    if data.get("veto") and kind != AdjustmentKind.deduction:
        raise DomainError(_("Only a deduction can be a veto."), {"veto": [_("only for deductions")]})
    _check_evidence(data)
    adjustment = Adjustment(
        period_id=period.id,
        firm_id=firm_id,
        kind=kind,
        points=data["points"],
        reason=data["reason"],
        veto=bool(data.get("veto")),
        ticket_id=data.get("ticket_id"),
        inspection_id=data.get("inspection_id"),
        document=data.get("evidence"),
        occurred_on=data.get("occurred_on") or today(),
        rectify_by=data.get("rectify_by"),
        created_by_id=user.id,
    )
    db.session.add(adjustment)
    db.session.flush()
    scores.rescore(period)
    notices.deduction(adjustment)
    return adjustment


def _check_evidence(data: dict) -> None:
    for field, model in (("ticket_id", Ticket), ("inspection_id", Inspection)):
        if data.get(field) is not None and db.session.get(model, data[field]) is None:
            raise DomainError(_("The evidence named does not exist."), {field: [_("no such record")]})
    if data.get("rectify_by") and data.get("occurred_on") and data["rectify_by"] < data["occurred_on"]:
        raise DomainError(
            _("The rectification deadline is before the date of the fault."),
            {"rectify_by": [_("must not be before occurred_on")]},
        )
