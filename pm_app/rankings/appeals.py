"""Appeals (申诉): in review, a firm's staff appeal one of its deductions within the window; the
regulator accepts (the deduction is void and the period rescored) or rejects it with a reason."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pm_app.auth.models import Role
from pm_app.common.clock import now, today
from pm_app.errors import Conflict, DomainError
from pm_app.extensions import db
from pm_app.locks import locked
from pm_app.org.services import ensure
from pm_app.rankings import notices, scores
from pm_app.rankings.freeze import lock_open
from pm_app.rankings.models import Adjustment, AdjustmentKind, Appeal, AppealState, PeriodState
from pm_app.rankings.periods import can_run


def file_appeal(user, adjustment: Adjustment, grounds: str) -> Appeal:
    period = adjustment.period
    ensure(user.role == Role.firm_staff and user.firm_id == adjustment.firm_id, _l("appeal this deduction"))
    period = lock_open(period)
    adjustment = locked(adjustment)  # re-read after the period's lock: a twin appeal may have landed
    if period.state != PeriodState.review:
        raise Conflict(_("Appeals are filed while the period is in review."), {"state": [period.state.value]})
    if today() > period.appeal_deadline:
        raise Conflict(
            _("The appeal window closed on %(day)s.", day=period.appeal_deadline),
            {"adjustment_id": [_("the window has closed")]},
        )
    if adjustment.kind != AdjustmentKind.deduction or adjustment.void:
        raise DomainError(_("Only a deduction that counts can be appealed."), {"adjustment_id": [_("not appealable")]})
    if adjustment.appeal is not None:
        raise Conflict(_("This deduction has already been appealed."), {"adjustment_id": [_("already appealed")]})
    if not grounds or not grounds.strip():
        raise DomainError(_("Say why the deduction is wrong."), {"grounds": [_("required")]})
    appeal = Appeal(
        adjustment_id=adjustment.id,
        period_id=period.id,
        firm_id=adjustment.firm_id,
        grounds=grounds.strip(),
        filed_by_id=user.id,
    )
    db.session.add(appeal)
    db.session.flush()
    return appeal


def decide_appeal(user, appeal: Appeal, accept: bool, reason: str | None) -> Appeal:
    ensure(can_run(user), _l("decide appeals"))
    period = lock_open(appeal.adjustment.period)
    appeal = locked(appeal)  # a twin decision waited for the period's lock; it sees this one's state
    if appeal.state != AppealState.pending:
        raise Conflict(_("This appeal has already been decided."), {"state": [appeal.state.value]})
    if not accept and not (reason and reason.strip()):
        raise DomainError(_("A rejection says why."), {"reason": [_("required when rejecting")]})
    appeal.state = AppealState.accepted if accept else AppealState.rejected
    appeal.decision_reason = (reason or "").strip() or None
    appeal.decided_by_id, appeal.decided_at = user.id, now()
    if accept:
        appeal.adjustment.void = True
    db.session.flush()
    scores.rescore(period)
    notices.appeal_decided(appeal)
    return appeal
