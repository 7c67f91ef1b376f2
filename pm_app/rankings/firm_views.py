"""A firm's own score page in a period: the breakdown of its indicators, every award and
deduction with its evidence, appeals (its staff file them in review), and its score over periods."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError

from pm_app.auth.models import Role
from pm_app.auth.scope import get_visible, visible
from pm_app.common.field_messages import translated
from pm_app.errors import DomainError, NotFound
from pm_app.extensions import db
from pm_app.rankings import appeals, charts, periods
from pm_app.rankings import schemas as s
from pm_app.rankings.models import Adjustment, PeriodState, RankingPeriod, RankingResult
from pm_app.rankings.views import _form

bp = Blueprint("ranking_firms", __name__)
BREAKDOWNS = 4  # the firm's newest periods linked from its home; the rankings page has them all


def own_breakdowns() -> list:
    """The reader's firm's results with their periods, newest first: the firm home's links to its
    breakdowns (issue 27: reached only by clicking its own name in a period's table). The scope
    shows a firm its own results in review and published periods only."""
    if current_user.role != Role.firm_staff or not current_user.firm_id:
        return []
    return list(
        db.session.execute(
            visible(RankingResult, current_user)
            .add_columns(RankingPeriod)
            .join(RankingPeriod, RankingPeriod.id == RankingResult.period_id)
            .where(RankingResult.firm_id == current_user.firm_id)
            .order_by(RankingPeriod.ends_on.desc(), RankingPeriod.revision.desc())
            .limit(BREAKDOWNS)
        ).all()
    )


bp.add_app_template_global(own_breakdowns, "own_breakdowns")


@bp.route("/rankings/periods/<int:period_id>/firms/<int:firm_id>")
@login_required
def result(period_id: int, firm_id: int):
    return _result_page(get_visible(RankingPeriod, period_id, current_user), firm_id)


def _result_page(period: RankingPeriod, firm_id: int, status=200, **refused):
    """The firm's page; after a refused appeal (`appealing`, `typed`, `problems`, `refusal`) with
    the grounds typed back in that deduction's form and the reason beside them."""
    period_id = period.id
    found = db.session.scalar(
        visible(RankingResult, current_user).where(
            RankingResult.period_id == period.id, RankingResult.firm_id == firm_id
        )
    )
    if found is None:
        raise NotFound(f"RankingResult {period_id}/{firm_id} not found")
    listed = list(
        db.session.scalars(
            visible(Adjustment, current_user)
            .where(Adjustment.period_id == period.id, Adjustment.firm_id == firm_id)
            .order_by(Adjustment.occurred_on, Adjustment.id)
        )
    )
    history = db.session.execute(
        visible(RankingResult, current_user)
        .with_only_columns(RankingPeriod.code, RankingResult.score)
        .join(RankingPeriod, RankingPeriod.id == RankingResult.period_id)
        .where(RankingResult.firm_id == firm_id)
        .order_by(RankingPeriod.ends_on, RankingPeriod.revision)
    ).all()
    figure = charts.score_history(history, _("%(firm)s over periods", firm=found.firm_name))
    may_appeal = (
        current_user.role == Role.firm_staff and current_user.firm_id == firm_id and period.state == PeriodState.review
    )
    return render_template(
        "rankings/result.html",
        period=period,
        result=found,
        adjustments=listed,
        history=history,
        figure=figure,
        may_appeal=may_appeal,
        can_run=periods.can_run(current_user),
        **refused,
    ), status


@bp.route("/rankings/deductions/<int:adjustment_id>/appeal", methods=["POST"])
@login_required
def appeal(adjustment_id: int):
    adjustment = get_visible(Adjustment, adjustment_id, current_user)
    try:
        appeals.file_appeal(current_user, adjustment, _form(s.AppealIn(only=("grounds",)))["grounds"])
    except (ValidationError, DomainError) as error:
        problems = translated(error.messages) if isinstance(error, ValidationError) else error.errors
        refusal = _("Not recorded: see the marked fields.") if isinstance(error, ValidationError) else error.message
        return _result_page(
            adjustment.period,
            adjustment.firm_id,
            422 if isinstance(error, ValidationError) else error.status,
            appealing=adjustment.id,
            typed=request.form,
            problems=problems,
            refusal=refusal,
        )
    db.session.commit()
    flash(_("Appeal filed; the regulator decides it before publishing."), "success")
    return redirect(url_for(".result", period_id=adjustment.period_id, firm_id=adjustment.firm_id), 303)
