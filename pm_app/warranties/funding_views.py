"""Pages of renovation money (issue 26): the payment form and table on the project page, and the
report (/renovation/report) for the street office and the regulator, with its chart and XLSX."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import EXCLUDE, ValidationError

from pm_app.auth.access import OFFICE
from pm_app.auth.scope import visible, visible_or_404
from pm_app.common.cells import scope_of
from pm_app.common.clock import today
from pm_app.common.forms import report as report_on_form
from pm_app.common.money import yuan_display
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.org.models import District
from pm_app.warranties import deposit_rules, disbursements, funding_charts, funding_export, report, services
from pm_app.warranties.funding_api import filters as report_filters
from pm_app.warranties.funding_forms import DisbursementForm
from pm_app.warranties.funding_schemas import RenovationReportQuery
from pm_app.warranties.labels import FUNDING_SOURCES, works_label
from pm_app.warranties.models import FundingSource, RenovationProject

bp = Blueprint("renovation", __name__)


def project_context(project: RenovationProject) -> dict:
    """What the project page's money section needs. A payment form that failed is handed over in
    `g` by `record_payment`, so the page the project views render shows it with what was typed."""
    paid = disbursements.paid_by_source(project.id)
    form = getattr(g, "disbursement_form", None) or DisbursementForm(formdata=None, prefix="payment", paid_on=today())
    _source_choices(form, project)
    funded = {f.source: f.amount_fen for f in project.funding}
    return {
        "payments": disbursements.of_project(project.id),
        "paid_by_source": paid,
        "funded_by_source": funded,
        "paid_total": sum(paid.values()),
        "payment_form": form,
        "may_pay": services.can_manage_works(current_user, project.compound),
        "deposit_share": deposit_rules.share_of_base(project),
        "deposit_cap_percent": deposit_rules.CAP_PERCENT,
    }


def _source_choices(form: DisbursementForm, project: RenovationProject) -> None:
    form.source.choices = [("", "—")] + [(f.source.value, str(works_label(f.source))) for f in project.funding]


@bp.route("/projects/<int:project_id>/disbursements", methods=["POST"])
@login_required
def record_payment(project_id: int):
    from pm_app.warranties.project_views import _page

    project = visible_or_404(RenovationProject, project_id)
    if not services.can_manage_works(current_user, project.compound):
        abort(403)
    form = DisbursementForm(prefix="payment")
    _source_choices(form, project)
    g.disbursement_form = form
    if form.validate_on_submit():
        try:
            payment = disbursements.record(
                current_user,
                project,
                form.paid_on.data,
                form.amount.fen,
                FundingSource(form.source.data),
                form.note.data,
            )
        except DomainError as error:
            report_on_form(form, error)
            return _page(project, status=error.status)
        db.session.commit()
        flash(
            _("Payment of %(amount)s yuan made on the project recorded.", amount=yuan_display(payment.amount_fen)),
            "success",
        )
        return redirect(url_for("projects.project", project_id=project.id) + "#payments")
    return _page(project, status=422)


def _report_args():
    if current_user.role not in OFFICE:
        abort(404)  # the report is the offices': a firm or a committee has no page here
    args = {k: v for k, v in request.args.items() if v != ""}
    try:
        return RenovationReportQuery(unknown=EXCLUDE).load(args)  # lang passes (StrictQuery.PASSED)
    except ValidationError:
        abort(400)


@bp.route("/renovation/report")
@login_required
def report_page():
    args = _report_args()
    found = report.renovation_report(current_user, report_filters(args))
    districts = db.session.scalars(visible(District, current_user).order_by(District.name)).all()
    labels = {s.value: str(text) for s, text in FUNDING_SOURCES.items()}
    return render_template(
        "warranties/renovation_report.html",
        found=found,
        args=args,
        districts=districts,
        labels=labels,
        years=range(today().year, 2014, -1),
        shares_figure=funding_charts.funding_shares(found["funding"]["by_source"], labels, _("Funding by source")),
        progress_figure=funding_charts.payment_progress(
            found["payments"]["by_source"], labels, _("Payment progress by source")
        ),
    )


@bp.route("/renovation/report.xlsx")
@login_required
def export_report():
    args = _report_args()
    found = report.renovation_report(current_user, report_filters(args))
    scope = (
        found["by_district"][0]["name"] if args.get("district_id") and found["by_district"] else scope_of(current_user)
    )
    return funding_export.download(found, {s.value: str(text) for s, text in FUNDING_SOURCES.items()}, scope)
