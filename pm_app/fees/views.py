"""The compound fee page: both collection rates over a year, a period's bills, arrears, bill
generation, and the bills and arrears as spreadsheets."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pm_app.common.charts import plotly_text
from pm_app.common.clock import today
from pm_app.common.forms import report
from pm_app.common.listing import page_number, page_of
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.fees import billing, history, imports, page_args, queries, rates
from pm_app.fees.forms import GenerateForm
from pm_app.fees.labels import BILL_STATUSES, fee_label, percent
from pm_app.fees.periods import period_of, shift
from pm_app.fees.reports import arrears, charts, exports
from pm_app.org.models import Compound
from pm_app.org.services import current_contract

bp = Blueprint("fees", __name__)
bp.add_app_template_filter(percent, "percent")
bp.add_app_template_filter(fee_label, "fee_label")
bp.add_app_template_filter(plotly_text, "plotly_text")  # for the chart macro of fees/_charts.html

TREND_PERIODS = 12
ARREARS_SHOWN = 100  # the page lists the worst ones; the export has them all
DEFAULT_MIN_PERIODS = 3


@bp.route("/compounds/<int:compound_id>/fees")
@login_required
def compound(compound_id: int):
    compound = page_args.visible_or_404(Compound, compound_id)
    return _page(compound, GenerateForm(formdata=None, period=period_of(today())))


@bp.route("/compounds/<int:compound_id>/fees/generate", methods=["POST"])
@login_required
def generate(compound_id: int):
    compound = page_args.visible_or_404(Compound, compound_id)
    if not _may_generate(compound):
        abort(403)
    form = GenerateForm()
    if form.validate_on_submit():
        try:
            result = billing.generate_for_compound(current_user, compound, form.period.data)
        except DomainError as error:
            if error.status == 403:  # the firm asked for a period another firm's contract bills
                abort(403)
            report(form, error)
        else:
            db.session.commit()
            _flash_result(result)
            # Post/redirect/get: a reload shows the result instead of posting again.
            return redirect(url_for(".compound", compound_id=compound.id, period=result.period))
    return _page(compound, form, status=422)


@bp.route("/compounds/<int:compound_id>/fees/bills.<any(csv, xlsx):fmt>")
@login_required
def export_bills(compound_id: int, fmt: str):
    compound = page_args.visible_or_404(Compound, compound_id)
    period = _selected_period(compound)
    query = queries.bills_query(current_user, compound.id, period, page_args.status(request.args))
    return exports.download(
        fmt,
        exports.BILLS,
        queries.export_bills(query),
        f"bills-{compound.code}-{period}",
        _("Bills %(period)s", period=period),
        compound.name,
    )


@bp.route("/compounds/<int:compound_id>/fees/arrears.<any(csv, xlsx):fmt>")
@login_required
def export_arrears(compound_id: int, fmt: str):
    compound = page_args.visible_or_404(Compound, compound_id)
    found = arrears.compound_arrears(current_user, compound.id, _min_periods(), today())
    return exports.download(fmt, exports.ARREARS, found.rows, f"arrears-{compound.code}", _("Arrears"), compound.name)


@bp.route("/compounds/<int:compound_id>/fees/history.<any(csv, xlsx):fmt>")
@login_required
def export_history(compound_id: int, fmt: str):
    """Bills and payments in the import's format, to carry the books to another system."""
    compound = page_args.visible_or_404(Compound, compound_id)
    rows = history.history_rows(current_user, compound.id)
    return exports.download(fmt, history.COLUMNS, rows, f"fee-history-{compound.code}", _("Fee history"), compound.name)


def _page(compound: Compound, form: GenerateForm, status: int = 200):
    args = request.args
    period = _selected_period(compound)
    bill_status = page_args.status(args)
    trend = rates.rates_by_period(
        rates.scope_filter(current_user, "compound", compound.id), shift(period, 1 - TREND_PERIODS), period
    )
    owing = arrears.compound_arrears(current_user, compound.id, _min_periods(), today())
    return render_template(
        "fees/compound.html",
        compound=compound,
        period=period,
        bill_status=bill_status,
        statuses=BILL_STATUSES,
        trend=trend,
        figure=charts.rate_trend(trend, _("Collection rates, last %(n)d periods", n=TREND_PERIODS)),
        bills=page_of(queries.bills_query(current_user, compound.id, period, bill_status), page_number(args)),
        totals=queries.period_totals(current_user, compound.id, period),
        arrears=owing,
        shown=ARREARS_SHOWN,
        form=form,
        may_generate=_may_generate(compound),
        may_import=imports.can_import_bills(current_user, compound),
    ), status


def _selected_period(compound: Compound) -> str:
    """The asked-for period, else the latest one billed, else this month."""
    return page_args.period(request.args) or queries.latest_period(current_user, compound.id) or period_of(today())


def _min_periods() -> int:
    return page_args.whole_number(request.args, "min_periods", DEFAULT_MIN_PERIODS, 1, 120)


def _may_generate(compound: Compound) -> bool:
    # Judged against the contract in force today: the form proposes this month. The service
    # judges again against the contract of the period actually asked for.
    return billing.can_bill(current_user, compound, current_contract(compound.id))


def _flash_result(result: billing.GenerateResult) -> None:
    flash(
        _(
            "Bills for %(period)s: %(created)d created, %(existing)d already there, %(skipped)d not billed.",
            period=result.period,
            created=result.created,
            existing=result.existing,
            skipped=result.skipped,
        ),
        "success" if result.created or result.existing else "error",
    )
    reasons = sorted({problem["reason"] for problem in result.problems})
    if reasons:
        flash(_("Not billed because: %(reasons)s", reasons="; ".join(reasons)), "error")
