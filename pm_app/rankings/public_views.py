"""The public pages of the rankings, no sign-in: the latest (or a chosen) published period with
its red and black lists and full table, the earlier periods, and each firm's history."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from pm_app.rankings import charts, public

bp = Blueprint("rankings_public", __name__)


@bp.route("/rankings/public")
def index():
    period = public.publication(request.args.get("period") or None)
    if period is None and request.args.get("period"):
        abort(404)
    results = public.results_of(period) if period else []
    red, black = public.lists_of(results)
    figure = (
        charts.score_distribution(results, _("Score distribution, %(period)s", period=period.code)) if period else None
    )
    vetoes = {r.firm_id: public.veto_reasons(r) for r in black if r.veto}
    return render_template(
        "rankings/public.html",
        period=period,
        results=results,
        red=red,
        black=black,
        publications=public.publications(),
        figure=figure,
        vetoes=vetoes,
    )


@bp.route("/rankings/public/firms/<int:firm_id>")
def firm(firm_id: int):
    history = public.firm_history(firm_id)
    if not history:
        abort(404)
    name = history[-1][1].firm_name
    figure = charts.score_history([(p.code, r.score) for p, r in history], _("%(firm)s over periods", firm=name))
    return render_template("rankings/public_firm.html", name=name, history=history, figure=figure)
