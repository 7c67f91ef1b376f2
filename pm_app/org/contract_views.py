"""The street office's page for a compound's fee arrangement (service contract): who collects — a
property firm, the compound's own 自管会, or the street office itself (托管) — the rate and the
term. The same service as `POST /api/v1/contracts` (org.services.create_contract); and ending one early,
as `PATCH /api/v1/contracts/<id>` (org.services.end_contract)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, ValidationError

from pm_app.auth.scope import visible_or_404
from pm_app.common.clock import today
from pm_app.common.forms import day_in_range, optional_int, report
from pm_app.common.money import AmountError, yuan_to_fen
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.org.models import Compound, Firm, FirmKind, ServiceContract
from pm_app.org.schemas import MAX_FEE_RATE_FEN
from pm_app.org.services import can_manage_compound, create_contract, end_contract, ensure
from pm_app.org.views import bp

PARTIES = (
    ("firm", _l("A property firm")),
    ("committee", _l("The compound's self-management committee (自管会)")),
    ("street", _l("The street office (entrusted, 托管)")),
)


def _rate(form, field):
    try:
        field.fen = yuan_to_fen((field.data or "").strip())
    except AmountError:
        raise ValidationError(_l("Write a rate in yuan per m² a month, such as 0.85.")) from None
    if not 0 <= field.fen <= MAX_FEE_RATE_FEN:
        raise ValidationError(_l("Write a rate in yuan per m² a month, such as 0.85."))


class ContractForm(FlaskForm):
    party = RadioField(_l("Collected by"), choices=PARTIES, default="firm", validators=[DataRequired()])
    firm_id = SelectField(_l("Property firm"), coerce=optional_int, choices=[("", "—")], validate_choice=False)
    start = DateField(_l("Start"), validators=[DataRequired(), day_in_range])
    end = DateField(_l("End"), validators=[DataRequired(), day_in_range])
    fee_rate = StringField(_l("Fee rate (yuan/m²/month)"), validators=[DataRequired(), _rate])

    def data_for_service(self, compound: Compound, committee_id: int | None) -> dict:
        party = {
            "firm": {"firm_id": self.firm_id.data},
            "committee": {"committee_id": committee_id},
            "street": {"street_id": compound.street_id},
        }[self.party.data]
        return {
            "compound_id": compound.id,
            "start": self.start.data,
            "end": self.end.data,
            "fee_rate_fen": self.fee_rate.fen,
            **party,
        }


@bp.route("/compounds/<int:compound_id>/contracts/new", methods=["GET", "POST"])
@login_required
def new_contract(compound_id: int):
    compound = visible_or_404(Compound, compound_id)
    ensure(can_manage_compound(current_user, compound), _l("register contracts for this compound"))
    committee = _self_management_committee(compound.id)
    form = ContractForm()
    form.firm_id.choices = [
        ("", "—"),
        *(
            (firm_id, name)
            for firm_id, name in db.session.execute(
                select(Firm.id, Firm.name).where(Firm.kind == FirmKind.property).order_by(Firm.name)
            )
        ),
    ]
    if form.validate_on_submit() and _party_known(form, committee):
        try:
            create_contract(current_user, form.data_for_service(compound, committee and committee.id))
        except DomainError as error:
            report(form, error)
        else:
            db.session.commit()
            flash(_("The fee arrangement is registered."), "success")
            return redirect(url_for(".compound", compound_id=compound.id))
    status = 422 if form.is_submitted() else 200
    return render_template("org/contract_new.html", compound=compound, form=form, committee=committee), status


def _party_known(form: ContractForm, committee) -> bool:
    if form.party.data == "committee" and committee is None:
        form.party.errors = [_("This compound has no self-management committee (自管会) registered yet.")]
        return False
    if form.party.data == "firm" and form.firm_id.data is None:
        form.firm_id.errors = [_("Choose the property firm.")]
        return False
    return True


def _self_management_committee(compound_id: int):
    """The compound's latest self-management committee (自管会), if it has one."""
    from pm_app.committees.models import Committee, CommitteeKind

    return db.session.scalar(
        select(Committee)
        .where(Committee.compound_id == compound_id, Committee.kind == CommitteeKind.self_management)
        .order_by(Committee.elected_on.desc())
        .limit(1)
    )


class EndContractForm(FlaskForm):
    end = DateField(_l("Last day of service"), validators=[DataRequired(), day_in_range])


# The service's English field problems, as the page says them.
END_PROBLEMS = {"must be on or after the contract's start": _l("The last day cannot be before the contract's start.")}


@bp.route("/contracts/<int:contract_id>/end", methods=["GET", "POST"])
@login_required
def end_contract_page(contract_id: int):
    """End a fee arrangement early (a firm leaves, the owners change manager): PATCH
    /api/v1/contracts/<id> {end} on a page. The term only ever shortens (org.services.end_contract)."""
    contract = visible_or_404(ServiceContract, contract_id)
    compound = contract.compound
    ensure(can_manage_compound(current_user, compound), _l("end this contract"))
    form = EndContractForm(data={"end": min(today(), contract.end_date)} if request.method == "GET" else None)
    if form.validate_on_submit():
        if form.end.data > contract.end_date:
            form.end.errors = [
                _(
                    "The contract already ends on %(day)s: a later day would lengthen it. "
                    "Register a new arrangement instead.",
                    day=contract.end_date,
                )
            ]
        else:
            try:
                end_contract(current_user, contract, form.end.data)
            except DomainError as error:
                report(
                    form,
                    DomainError(
                        _("Not saved."), {k: [str(END_PROBLEMS.get(p, p)) for p in v] for k, v in error.errors.items()}
                    ),
                )
            else:
                db.session.commit()
                flash(_("The fee arrangement ends on %(day)s.", day=contract.end_date), "success")
                return redirect(url_for(".compound", compound_id=compound.id))
    status = 422 if form.is_submitted() else 200
    return render_template("org/contract_end.html", compound=compound, contract=contract, form=form), status
