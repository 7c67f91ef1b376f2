"""The rankings workspace: the periods, one period's table with its indicators, deductions and
appeals and the steps of its life (regulator), and the scoring scheme. Refusals (a published
period, bad input) come back as the error page with their status: 409, 422, 403."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from marshmallow import ValidationError
from sqlalchemy import select

from pm_app.auth.scope import get_visible, visible
from pm_app.common.clock import today
from pm_app.common.confirm import ask, confirmed
from pm_app.common.field_messages import translated
from pm_app.errors import Conflict, DomainError
from pm_app.extensions import db
from pm_app.org.services import ensure
from pm_app.rankings import adjustments, appeals, charts, periods, schemes
from pm_app.rankings import schemas as s
from pm_app.rankings.models import Adjustment, Appeal, PeriodState, RankingPeriod, RankingResult, ScoringScheme
from pm_app.rankings.schemes import INDICATORS

bp = Blueprint("rankings", __name__)
STEPS = {
    "compute": periods.compute,
    "review": periods.open_review,
    "publish": periods.publish,
    "correct": periods.correct,
}
# The steps that cannot be taken back ask first, saying what will happen (common.confirm).
ASK = {
    "review": (
        _l("Open the review of %(code)s?"),
        _l(
            "The firms will see their draft scores and deductions and may appeal until %(deadline)s; "
            "the period cannot go back to draft."
        ),
    ),
    "publish": (
        _l("Publish the red/black list of %(code)s?"),
        _l(
            "Once published it is public and cannot be withdrawn; a correction is a separate, new "
            "publication. Publishing also closes the appeal window."
        ),
    ),
}
# The flash after a step names the state as the period's page does (never the code "review").
STATE_LABELS = {
    PeriodState.draft: _l("Draft"),
    PeriodState.review: _l("In review"),
    PeriodState.published: _l("Published"),
}


def _form(schema) -> dict:
    """The posted form through the API's input schema (a ValidationError is a 422 page)."""
    return schema.load({k: v for k, v in request.form.items() if k != "csrf_token" and v != ""})


@bp.route("/rankings")
@login_required
def index():
    found = list(
        db.session.scalars(
            visible(RankingPeriod, current_user).order_by(RankingPeriod.ends_on.desc(), RankingPeriod.revision.desc())
        )
    )
    if not found and not periods.can_run(current_user):
        abort(404)  # contractors and committees have the public page
    return render_template("rankings/index.html", periods=found, can_run=periods.can_run(current_user))


@bp.route("/rankings/periods", methods=["POST"])
@login_required
def create():
    period = periods.create_period(current_user, _form(s.PeriodIn())["period"])
    db.session.commit()
    flash(_("Period %(code)s created; compute it next.", code=period.code), "success")
    return redirect(url_for(".period", period_id=period.id), 303)


@bp.route("/rankings/periods/<int:period_id>")
@login_required
def period(period_id: int):
    return _period_page(get_visible(RankingPeriod, period_id, current_user))


def _period_page(period: RankingPeriod, typed=None, problems=None, refusal=None, status=200, deciding=None):
    """The period's page; after a refused award or deduction, with what was typed back in the
    form, each problem beside its field and the refusal above it."""
    results = list(
        db.session.scalars(
            visible(RankingResult, current_user)
            .where(RankingResult.period_id == period.id)
            .order_by(RankingResult.rank.is_(None), RankingResult.rank, RankingResult.firm_name)
        )
    )
    found = list(
        db.session.scalars(
            visible(Adjustment, current_user).where(Adjustment.period_id == period.id).order_by(Adjustment.id)
        )
    )
    figure = charts.score_distribution(results, _("Score distribution, %(period)s", period=period.code))
    return render_template(
        "rankings/period.html",
        period=period,
        results=results,
        adjustments=found,
        figure=figure,
        can_run=periods.can_run(current_user),
        indicators=INDICATORS,
        not_yet=periods.publish_refusal(period),
        typed=typed or {},
        problems=problems or {},
        refusal=refusal,
        deciding=deciding,
    ), status


@bp.route("/rankings/periods/<int:period_id>/<step>", methods=["POST"])
@login_required
def step(period_id: int, step: str):
    if step not in STEPS:
        abort(404)
    period = get_visible(RankingPeriod, period_id, current_user)
    if step in ASK and not confirmed():
        ensure(
            periods.can_run(current_user),
            _l("publish rankings") if step == "publish" else _l("open rankings for review"),
        )
        refused = periods.publish_refusal(period) if step == "publish" else None
        if refused:  # nothing to confirm: say why now, not after the confirmation
            raise Conflict(refused, {"ends_on": [period.ends_on.isoformat()]})
        title, consequence = ASK[step]
        deadline = (today() + timedelta(days=period.scheme.appeal_days)).isoformat()
        return ask(
            str(title) % {"code": period.code},
            str(consequence) % {"deadline": deadline},
            url_for(".period", period_id=period.id),
        )
    period = STEPS[step](current_user, period)
    db.session.commit()
    flash(_("Period %(code)s: %(state)s.", code=period.code, state=STATE_LABELS[period.state]), "success")
    return redirect(url_for(".period", period_id=period.id), 303)


@bp.route("/rankings/periods/<int:period_id>/adjustments", methods=["POST"])
@login_required
def add_adjustment(period_id: int):
    period = get_visible(RankingPeriod, period_id, current_user)
    try:
        adjustments.add_adjustment(current_user, period, _form(s.AdjustmentIn(exclude=("period_id",))))
    except ValidationError as error:
        return _period_page(
            period, request.form, translated(error.messages), _("Not recorded: see the marked fields."), 422
        )
    except DomainError as error:
        return _period_page(period, request.form, error.errors, error.message, error.status)
    db.session.commit()
    flash(_("Recorded; the period is rescored."), "success")
    return redirect(url_for(".period", period_id=period.id) + "#adjustments", 303)


@bp.route("/rankings/appeals/<int:appeal_id>/decision", methods=["POST"])
@login_required
def decide(appeal_id: int):
    appeal = get_visible(Appeal, appeal_id, current_user)
    period = db.session.get(RankingPeriod, appeal.period_id)
    try:
        data = _form(s.DecisionIn())
        appeals.decide_appeal(current_user, appeal, data["accept"], data.get("reason"))
    except ValidationError as error:
        return _period_page(
            period,
            request.form,
            translated(error.messages),
            _("Not recorded: see the marked fields."),
            422,
            deciding=appeal.id,
        )
    except DomainError as error:  # a rejection without its reason: the reason box, marked, on the page
        return _period_page(period, request.form, error.errors, error.message, error.status, deciding=appeal.id)
    db.session.commit()
    flash(_("Appeal decided; the period is rescored."), "success")
    return redirect(url_for(".period", period_id=appeal.period_id) + "#adjustments", 303)


@bp.route("/rankings/scheme", methods=["GET", "POST"])
@login_required
def scheme():
    if not db.session.scalar(select(visible(ScoringScheme, current_user).exists())) and not periods.can_run(
        current_user
    ):
        abort(404)
    if request.method == "POST":
        ensure(periods.can_run(current_user), _l("change the scoring scheme"))
        form = request.form
        data = {
            "indicators": {
                code: {k: form.get(f"{code}.{k}", "") for k in ("weight", "floor", "target")} for code in INDICATORS
            },
            "bands": [_band(line) for line in form.get("bands", "").splitlines() if line.strip()],
            "note": form.get("note") or None,
        }
        data.update(
            s.SchemeIn(only=("award_cap", "appeal_days", "min_households")).load(
                {k: form[k] for k in ("award_cap", "appeal_days", "min_households") if form.get(k)}
            )
        )
        saved = schemes.save_scheme(current_user, data)
        db.session.commit()
        flash(_("Scheme version %(v)d saved; it applies to periods computed from now on.", v=saved.version), "success")
        return redirect(url_for(".scheme"), 303)
    current = schemes.current_scheme()
    db.session.commit()  # version 1 from the defaults, the first time
    older = list(db.session.scalars(select(ScoringScheme).order_by(ScoringScheme.version.desc())))
    return render_template(
        "rankings/scheme.html",
        scheme=current,
        versions=older,
        indicators=INDICATORS,
        can_run=periods.can_run(current_user),
    )


def _band(line: str) -> dict:
    parts = line.split()
    return {
        "grade": parts[0] if parts else "",
        "min": parts[1] if len(parts) > 1 else "",
        "list": parts[2] if len(parts) > 2 else None,
    }


from pm_app.rankings import appeal_list  # noqa: E402,F401  (its route is on bp)
