"""The inbox page (alerts of the caller's organisation) and the job health page."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from pm_app.alerts import notices, services
from pm_app.alerts.api import filter_alerts
from pm_app.alerts.health import job_health
from pm_app.alerts.models import Alert
from pm_app.alerts.rules import RULES
from pm_app.auth.models import Role
from pm_app.auth.redirects import referrer_target
from pm_app.auth.scope import get_visible, visible
from pm_app.common.listing import page_number, page_of
from pm_app.extensions import db

bp = Blueprint("alerts", __name__)


@bp.app_context_processor
def _unread():
    if current_user and current_user.is_authenticated:
        return {"unread_alerts": _unread_count}
    return {"unread_alerts": lambda: 0}


def _unread_count() -> int | None:
    """The badge of base.html. An error page renders after a failure: if the transaction is
    aborted all the same (the handler rolls it back first), the page shows without the badge
    rather than failing itself."""
    try:
        return services.unread_count(current_user)
    except SQLAlchemyError:
        db.session.rollback()
        return None


@bp.route("/alerts")
@login_required
def inbox():
    args = {k: v for k, v in request.args.items() if k in ("rule", "state") and v}
    if "state" not in args:
        args["state"] = "open"  # the inbox opens on what still needs someone
    # Recipients are read by can_resolve for each row: loaded with the page, not one query a row.
    page = page_of(filter_alerts(visible(Alert, current_user), args).options(selectinload(Alert.recipients)),
                   page_number(request.args))
    return render_template("alerts/inbox.html", page=page, args=args, rules=sorted(RULES) + list(notices.NOTICES),
                           form=FlaskForm(), can_resolve=services.can_resolve, notices=notices.NOTICES)


@bp.route("/alerts/<int:alert_id>/<any(ack, resolve):action>", methods=["POST"])
@login_required
def act(alert_id, action):
    alert = get_visible(Alert, alert_id, current_user)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if action == "ack":
        services.acknowledge(alert, current_user)
    else:
        services.resolve_by_hand(alert, current_user)
    db.session.commit()
    return redirect(referrer_target(url_for("alerts.inbox")))  # back to the list it was on, if on this site


@bp.route("/alerts/<int:alert_id>/go")
@login_required
def go(alert_id):
    """Open what the alert is about: the page its domain registered for the subject (a notice's
    ticket, ledger query, deduction…), else its compound, else the inbox."""
    alert = get_visible(Alert, alert_id, current_user)
    target = notices.link_of(alert, current_user)
    if target is None and alert.compound_id:
        target = url_for("org.compound", compound_id=alert.compound_id)
    return redirect(target or url_for("alerts.inbox"))


@bp.route("/jobs/health")
@login_required
def health():
    if current_user.role not in (Role.admin, Role.regulator):
        abort(404)
    return render_template("alerts/health.html", health=job_health())


from pm_app.alerts import endpoint_views  # noqa: E402,F401  (its routes are on bp)
