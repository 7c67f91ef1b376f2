"""The inbox page (alerts of the caller's organisation) and the job health page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from pm_app.alerts import acks, grouping, labels, notices, services
from pm_app.alerts.health import job_health
from pm_app.alerts.models import Alert
from pm_app.auth.models import Role
from pm_app.auth.redirects import referrer_target
from pm_app.auth.scope import get_visible
from pm_app.common.inputs import InputError, parse_int
from pm_app.common.listing import page_number
from pm_app.errors import NotFound
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
    """Groups by rule and compound, expanding to their alerts; opens on what this reader has not
    yet acknowledged."""
    args = inbox_args(request.args)
    page = grouping.group_page(current_user, args, page_number(request.args))
    shown = [alert for group in page.items for alert in group.alerts]
    acks.reader_states(shown, current_user)
    # Recipients are read by can_resolve for each row: loaded with the page, not one query a row.
    db.session.scalars(
        select(Alert).where(Alert.id.in_([a.id for a in shown])).options(selectinload(Alert.recipients))
    ).all()
    return render_template(
        "alerts/inbox.html",
        page=page,
        args=args,
        rules=labels.all_rules(),
        choices=grouping.filter_choices(current_user, args),
        acknowledged=acks.acknowledgements(a.id for a in shown),
        form=FlaskForm(),
        can_resolve=services.can_resolve,
        notices=notices.NOTICES,
        labels=labels,
        expand_max=grouping.EXPAND_MAX,
    )


def inbox_args(source) -> dict:
    """The inbox's filters from a query string or a form; an unknown value is dropped, a
    malformed number is a 400."""
    args = {"state": source.get("state") if source.get("state") in labels.STATE_LABELS else "open"}
    if source.get("rule") in dict(labels.all_rules()):
        args["rule"] = source["rule"]
    if source.get("severity") in labels.SEVERITY_RANK:
        args["severity"] = source["severity"]
    for name in ("compound_id", "street_id"):
        if source.get(name):
            try:
                args[name] = parse_int(source[name], name, 1)
            except InputError:
                abort(400)
    return args


@bp.route("/alerts/ack", methods=["POST"])
@login_required
def ack_many():
    """Acknowledge the ticked alerts and groups in one go (all of them or none: an alert the user
    does not see is a 404 and nothing is recorded)."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    args = inbox_args(request.form)
    try:
        ids = [parse_int(v, "alert", 1) for v in request.form.getlist("alert")]
        groups = [
            (rule, parse_int(compound, "group", 0))
            for rule, _, compound in (v.rpartition(":") for v in request.form.getlist("group"))
        ]
    except InputError:
        abort(400)
    if not ids and not groups:
        flash(_("Tick the alerts or groups to acknowledge first."), "error")
        return redirect(referrer_target(url_for("alerts.inbox")))
    try:
        done = acks.acknowledge_ids(ids, current_user)["acknowledged"]
        for rule, compound_id in groups:
            done += acks.acknowledge_matching(
                grouping.group_query(current_user, args, rule, compound_id or None), current_user
            )["acknowledged"]
    except NotFound:
        abort(404)
    db.session.commit()
    flash(_("%(count)d alerts acknowledged.", count=done), "success")
    return redirect(referrer_target(url_for("alerts.inbox")))


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
    return render_template("alerts/health.html", health=job_health(), labels=labels)


from pm_app.alerts import endpoint_views  # noqa: E402,F401  (its routes are on bp)
