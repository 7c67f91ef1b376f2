"""The appeals list (申诉): `/rankings/appeals?state=pending` is what the regulator must decide and
what a firm waits on, the line of their homes' worklists (dashboards.worklist) counts the same
query. Every row links to where the appeal is decided or followed: the period's deductions for
the regulator, the firm's own breakdown for the firm."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import Select
from sqlalchemy.orm import joinedload

from pm_app.auth.models import Role
from pm_app.auth.scope import visible
from pm_app.common.listing import page_number, page_of
from pm_app.extensions import db
from pm_app.rankings.models import Adjustment, Appeal, AppealState, RankingResult
from pm_app.rankings.views import bp

READERS = (Role.admin, Role.regulator, Role.street_officer, Role.firm_staff)
STATES = {
    AppealState.pending.value: _l("Awaiting a decision"),
    AppealState.accepted.value: _l("Accepted"),
    AppealState.rejected.value: _l("Rejected"),
}


def listed(user, state: AppealState | None = None) -> Select:
    """The appeals the user sees, oldest filed first (the first to be decided), of one state or all."""
    query = visible(Appeal, user).order_by(Appeal.filed_at, Appeal.id)
    return query if state is None else query.where(Appeal.state == state)


@bp.route("/rankings/appeals")
@login_required
def appeals():
    if current_user.role not in READERS:
        abort(404)  # contractors and committees have no appeals and no rankings workspace
    wanted = request.args.get("state") or AppealState.pending.value
    if wanted != "all" and wanted not in STATES:
        abort(400)
    query = listed(current_user, None if wanted == "all" else AppealState(wanted)).options(
        joinedload(Appeal.adjustment).joinedload(Adjustment.period)
    )
    page = page_of(query, page_number(request.args))
    # the firm's name as its result carries it (the scope of an appeal is its result's)
    firms = (
        {
            (p, f): name
            for p, f, name in db.session.execute(
                visible(RankingResult, current_user)
                .with_only_columns(RankingResult.period_id, RankingResult.firm_id, RankingResult.firm_name)
                .where(
                    RankingResult.period_id.in_({a.period_id for a in page.items}),
                    RankingResult.firm_id.in_({a.firm_id for a in page.items}),
                )
            )
        }
        if page.items
        else {}
    )
    return render_template("rankings/appeals.html", page=page, wanted=wanted, states=STATES, firms=firms)
