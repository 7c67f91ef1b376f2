"""The page where an organisation's people set up where its alerts go beyond the inbox: e-mail
addresses, a WeCom (企业微信) or DingTalk (钉钉) group robot, or another system's webhook. Saving
is services.save_endpoint, as the API; what a page may point at is narrower (alerts.endpoints)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from pm_app.alerts import endpoints, services
from pm_app.alerts.channels import DeliveryError
from pm_app.alerts.views import bp
from pm_app.common.forms import report
from pm_app.errors import DomainError
from pm_app.extensions import db

# pm_app/alerts/digest.py: `daily` holds the alerts and sends them as one message at 08:00.
DIGEST_LABELS = {"none": _l("Each alert as it opens"), "daily": _l("One digest a day, at 08:00")}
PROBLEMS = {"a webhook needs an http(s) URL": _l("Write the full https:// address of the robot.")}


class EndpointForm(FlaskForm):
    organisation = SelectField(_l("Alerts of"))
    kind = SelectField(_l("Send to"), choices=list(endpoints.KIND_LABELS.items()), default="wecom")
    target = StringField(_l("Address"), validators=[DataRequired(), Length(max=512)])
    digest = SelectField(_l("How often"), choices=list(DIGEST_LABELS.items()), default="none")

    def for_user(self, user) -> EndpointForm:
        self.organisation.choices = [(f"{a}:{o}", name) for a, o, name in endpoints.organisations(user)]
        return self

    def validate_target(self, field):
        problem = endpoints.target_problem(self.kind.data, field.data or "")
        if problem:
            raise ValidationError(str(problem))

    def data_for_service(self) -> dict:
        audience, org_id = self.organisation.data.split(":")
        channel, fmt = endpoints.KINDS[self.kind.data]
        return {
            "audience": audience,
            "org_id": int(org_id),
            "channel": channel,
            "format": fmt,
            "active": True,
            "target": endpoints.clean_target(self.kind.data, self.target.data),
            "digest": self.digest.data,
        }


@bp.route("/alerts/endpoints", methods=["GET", "POST"])
@login_required
def endpoints_page():
    form = EndpointForm().for_user(current_user)
    if not form.organisation.choices:
        abort(404)  # a user of no organisation receives no alerts
    if form.validate_on_submit():
        try:
            endpoint = services.save_endpoint(form.data_for_service())
        except DomainError as error:
            report(
                form,
                DomainError(
                    _("Not saved."), {k: [str(PROBLEMS.get(p, p)) for p in v] for k, v in error.errors.items()}
                ),
            )
        else:
            db.session.commit()
            flash(_("Saved: alerts will also go to %(target)s.", target=endpoint.target), "success")
            return redirect(url_for(".endpoints_page"))
    rows = db.session.scalars(endpoints.own_endpoints(current_user)).all()
    names = {(a, o): name for a, o, name in endpoints.organisations(current_user)}
    status = 422 if form.is_submitted() else 200
    return render_template(
        "alerts/endpoints.html",
        form=form,
        rows=rows,
        names=names,
        actions=FlaskForm(),
        kinds=endpoints.KIND_LABELS,
        kind_of=endpoints.kind_of,
        digests=DIGEST_LABELS,
    ), status


@bp.route("/alerts/endpoints/<int:endpoint_id>/<any(disable, enable, delete, test):change>", methods=["POST"])
@login_required
def endpoint_change(endpoint_id: int, change: str):
    endpoint = endpoints.own_endpoint(current_user, endpoint_id)
    if endpoint is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if change == "test":
        try:
            endpoints.send_test(endpoint)
        except DeliveryError as error:
            flash(_("The test message was not delivered: %(reason)s", reason=str(error)), "error")
        else:
            flash(_("Test message sent to %(target)s: check that it arrived.", target=endpoint.target), "success")
        return redirect(url_for(".endpoints_page"))
    if change == "delete":
        target = endpoint.target
        endpoints.delete_endpoint(endpoint)
        flash(_("Removed: alerts no longer go to %(target)s.", target=target), "success")
    else:
        endpoint.active = change == "enable"
        flash(
            _("Turned on: alerts go to %(target)s.", target=endpoint.target)
            if endpoint.active
            else _("Paused: alerts do not go to %(target)s until you turn it on.", target=endpoint.target),
            "success",
        )
    db.session.commit()
    return redirect(url_for(".endpoints_page"))
