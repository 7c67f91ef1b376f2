"""The committee's home page (status, members, term countdown, history, registration and
filing for the street office) and the street's committee coverage overview."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pm_app.auth.access import OFFICE, require_role
from pm_app.auth.scope import visible, visible_or_404
from pm_app.committees import coverage as coverage_service
from pm_app.committees import party, services
from pm_app.committees.forms import CommitteeForm, FilingForm, PartyForm
from pm_app.committees.labels import KINDS, committee_label
from pm_app.committees.models import Committee
from pm_app.committees.scope import visible_compound
from pm_app.committees.status import STATUSES
from pm_app.common.clock import today
from pm_app.common.forms import report
from pm_app.common.listing import day_arg
from pm_app.common.privacy import mask_phone
from pm_app.errors import DomainError, NotFound
from pm_app.extensions import db
from pm_app.org.models import Street

bp = Blueprint("committees", __name__)
bp.add_app_template_filter(committee_label, "committee_label")
bp.add_app_template_filter(mask_phone, "mask_phone")


def compound_or_404(compound_id: int):
    try:
        return visible_compound(compound_id, current_user)
    except NotFound:
        abort(404)


@bp.route("/compounds/<int:compound_id>/committee")
@login_required
def home(compound_id: int):
    return _home(compound_or_404(compound_id))


@bp.route("/compounds/<int:compound_id>/committee", methods=["POST"])
@login_required
def register(compound_id: int):
    compound = compound_or_404(compound_id)
    if not services.can_register(current_user, compound):
        abort(403)
    form = CommitteeForm(prefix="committee")
    if form.validate_on_submit():
        try:
            committee = services.register_committee(current_user, compound, form.data_for_service())
        except DomainError as error:
            report(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "Committee elected on %(day)s registered; its term ends on %(end)s.",
                    day=committee.elected_on,
                    end=committee.term_end,
                ),
                "success",
            )
            return redirect(url_for(".home", compound_id=compound.id))
    return _home(compound, form, status=422)


@bp.route("/committees/<int:committee_id>/filing", methods=["POST"])
@login_required
def filing(committee_id: int):
    committee = visible_or_404(Committee, committee_id)
    compound = compound_or_404(committee.compound_id)
    if not services.can_register(current_user, compound):
        abort(403)
    form = FilingForm(prefix="filing")
    if form.validate_on_submit():
        try:
            services.record_filing(current_user, committee, form.filed_on.data)
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Filing recorded."), "success")
    return redirect(url_for(".home", compound_id=compound.id))


@bp.route("/compounds/<int:compound_id>/committee/party", methods=["POST"])
@login_required
def party_record(compound_id: int):
    compound = compound_or_404(compound_id)
    if not services.can_register(current_user, compound):
        abort(403)
    form = PartyForm(prefix="party")
    if form.validate_on_submit():
        party.keep_record(
            current_user,
            compound,
            {"party_organisation": form.party_organisation.data, "red_property": form.red_property.data},
        )
        db.session.commit()
        flash(_("Party organisation record saved."), "success")
    return redirect(url_for(".home", compound_id=compound.id))


def _home(compound, form=None, status=200):
    as_of = day_arg(request.args, "as_of") or today()
    found = services.status_of(compound.id, as_of)
    may_register = services.can_register(current_user, compound)
    record = party.record_of(compound.id)
    return render_template(
        "committees/home.html",
        compound=compound,
        found=found,
        as_of=as_of,
        history=services.history(compound.id),
        filing_due=services.filing_due,
        filing_overdue=services.filing_overdue,
        sees_contacts=services.sees_member_contacts(current_user),
        may_register=may_register,
        form=form or (CommitteeForm(formdata=None, prefix="committee") if may_register else None),
        filing_form=FilingForm(formdata=None, prefix="filing", filed_on=as_of),
        party=record,
        party_form=PartyForm(formdata=None, prefix="party", obj=record) if may_register else None,
    ), status


@bp.route("/committees/coverage")
@login_required
@require_role(*OFFICE)
def coverage():
    as_of = day_arg(request.args, "as_of") or today()
    base = request.args.get("base") if request.args.get("base") in coverage_service.BASES else "renovated"
    found = coverage_service.coverage(current_user, as_of, base=base)
    streets = {s.id: s for s in db.session.scalars(visible(Street, current_user).where(Street.id.in_(found.by_street)))}
    return render_template(
        "committees/coverage.html",
        found=found,
        as_of=as_of,
        statuses=STATUSES,
        kinds=KINDS,
        streets=streets,
        governing=coverage_service.GOVERNING_KINDS,
    )
