"""The project page: its fields, funding by source, the quality deposit and every decision on
it, its warranty items and claims, and the forms that release or forfeit the deposit and close
a claim. A release while claims are open is refused by the service; its 409 message is shown
next to the form."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pm_app.auth.scope import visible_or_404
from pm_app.common.clock import today
from pm_app.common.confirm import ask, confirmed
from pm_app.common.forms import report
from pm_app.common.money import yuan_display
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.warranties import (
    acceptance_views,
    claim_codes,
    deposit,
    funding_views,  # issue 26: the schedule and payments section
    page_queries,
    queries,
    services,
)
from pm_app.warranties.forms import CloseClaimForm, DepositForm
from pm_app.warranties.models import RenovationProject, WarrantyClaim

bp = Blueprint("projects", __name__)


@bp.route("/projects/<int:project_id>")
@login_required
def project(project_id: int):
    return _page(visible_or_404(RenovationProject, project_id))


@bp.route("/projects/<int:project_id>/deposit/<any(release, forfeit):kind>", methods=["POST"])
@login_required
def decide(project_id: int, kind: str):
    project = visible_or_404(RenovationProject, project_id)
    if not services.can_manage_works(current_user, project.compound):
        abort(403)
    form = DepositForm(prefix=kind)
    if form.validate_on_submit():
        if not confirmed():
            return _ask_decision(project, kind, form)
        try:
            decision = (deposit.release if kind == "release" else deposit.forfeit)(
                current_user, project, form.amount.fen, form.reason.data
            )
        except DomainError as error:
            report(form, error)
            return _page(project, forms={kind: form}, status=error.status)
        db.session.commit()
        message = (
            _("%(amount)s yuan of the deposit released.")
            if kind == "release"
            else _("%(amount)s yuan of the deposit forfeited.")
        )
        flash(message % {"amount": yuan_display(decision.amount_fen)}, "success")
        return redirect(url_for(".project", project_id=project.id) + "#deposit")
    return _page(project, forms={kind: form}, status=422)


@bp.route("/projects/<int:project_id>/claims/<int:claim_id>/close", methods=["POST"])
@login_required
def close_claim(project_id: int, claim_id: int):
    project = visible_or_404(RenovationProject, project_id)
    claim = visible_or_404(WarrantyClaim, claim_id)
    if claim.project_id != project.id:
        abort(404)
    if not services.can_close_claim(current_user, claim):
        abort(403)
    form = CloseClaimForm(prefix="close")
    if form.validate_on_submit():
        name = _claim_name(claim)
        if not confirmed():
            return ask(
                _("Close the warranty claim %(name)s?", name=name),
                _(
                    "A closed claim cannot be reopened; a new defect is a new claim. What you wrote is "
                    "kept as what was done."
                ),
                url_for(".project", project_id=project.id) + "#claims",
            )
        try:
            services.close_claim(current_user, claim, form.note.data)
        except DomainError as error:
            report(form, error)
            return _page(project, close_form=form, closing=claim.id, status=error.status)
        db.session.commit()
        flash(_("The warranty claim %(name)s is closed.", name=name), "success")
        return redirect(url_for(".project", project_id=project.id) + "#claims")
    return _page(project, close_form=form, closing=claim.id, status=422)


def _claim_name(claim: WarrantyClaim) -> str:
    """As the pages name a claim: its ticket's tracking code, else where it came from (claim_codes)."""
    found = claim_codes.codes(current_user, [claim]).get(claim.id)
    return found[1] if found else _("from a joint inspection (no. %(id)d)", id=claim.id)


def _ask_decision(project: RenovationProject, kind: str, form: DepositForm):
    amount = yuan_display(form.amount.fen if form.amount.fen is not None else deposit.remaining(project))
    if kind == "release":
        title = _("Release %(amount)s yuan of the deposit of %(project)s?", amount=amount, project=project.name)
        consequence = _(
            "The money goes back to the contractor and cannot be taken back; the decision and its "
            "reason stay on the project's record for good."
        )
    else:
        title = _("Forfeit %(amount)s yuan of the deposit of %(project)s?", amount=amount, project=project.name)
        consequence = _(
            "The contractor loses this money for good; the decision and its reason stay on the "
            "project's record and cannot be withdrawn."
        )
    return ask(title, consequence, url_for(".project", project_id=project.id) + "#deposit")


def _page(project: RenovationProject, forms=None, close_form=None, closing=None, status=200):
    forms = forms or {}
    as_of = today()
    items = queries.with_state(
        db.session.scalars(queries.items_query(current_user, {"project_id": project.id}, as_of)).all(), as_of
    )
    claims = db.session.scalars(page_queries.claims_query(current_user, project.id)).all()
    funding_total = sum(f.amount_fen for f in project.funding)
    return render_template(
        "warranties/project.html",
        project=project,
        compound=project.compound,
        items=items,
        claims=claims,
        codes=claim_codes.codes(current_user, claims),
        open_claims=sum(c.state.value == "open" for c in claims),
        funding_total=funding_total,
        remaining=deposit.remaining(project),
        decisions=page_queries.decisions_of(current_user, project.id),
        may_decide=services.can_manage_works(current_user, project.compound),
        may_close={c.id for c in claims if c.state.value == "open" and services.can_close_claim(current_user, c)},
        release_form=forms.get("release") or DepositForm(formdata=None, prefix="release"),
        forfeit_form=forms.get("forfeit") or DepositForm(formdata=None, prefix="forfeit"),
        close_form=close_form or CloseClaimForm(formdata=None, prefix="close"),
        closing=closing,
        **acceptance_views.context(project),
        **funding_views.project_context(project),
    ), status
