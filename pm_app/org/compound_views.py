"""The street office's pages to register a compound and to correct its record: the same service as
`POST /api/v1/compounds` and `PATCH /api/v1/compounds/<id>` (org.services), with the street and
community offered only from the caller's own streets and every enum by its Chinese label."""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from pm_app.auth.models import Role
from pm_app.auth.scope import visible, visible_or_404
from pm_app.common import inputs
from pm_app.common.forms import day_in_range, optional_int, report
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.org import labels
from pm_app.org.models import Community, Compound, ManagementMode, RenovationType, Street
from pm_app.org.schemas import CODE_PATTERN
from pm_app.org.services import can_manage_compound, create_compound, update_compound
from pm_app.org.views import bp

_CODE = re.compile(CODE_PATTERN, re.ASCII)
# The services' English field problems, as the page says them.
PROBLEMS = {
    "already exists": _l("This code is already used by another compound."),
    "is not in the compound's street": _l("This community is not in the chosen street."),
    "unknown community": _l("Choose a community of your street."),
    "unknown street": _l("Choose one of your streets."),
}


def _code(form, field):
    try:
        field.data = inputs.token(field.data or "", _CODE, "code", "")
    except inputs.InputError:
        raise ValidationError(_l("3 to 32 letters, digits or hyphens, such as GL-0001.")) from None


def _one_line(form, field):
    if field.data and inputs.text_problem(field.data, single_line=True):
        raise ValidationError(_l("Write it on one line, without control characters."))


def _enum_or_none(enum):
    return lambda value: enum(value) if value not in (None, "", "None") else None


class CompoundForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), _code])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=128), _one_line])
    street_id = SelectField(_l("Street"), coerce=optional_int, validators=[DataRequired()])
    community_id = SelectField(_l("Community"), coerce=optional_int, validate_choice=False)
    address = StringField(_l("Address"), validators=[Optional(), Length(max=256), _one_line])
    year_built = IntegerField(_l("Year built"), validators=[Optional(), NumberRange(min=1900, max=2100)])
    renovation_type = SelectField(_l("Renovation type"), coerce=_enum_or_none(RenovationType))
    acceptance_date = DateField(_l("Acceptance date"), validators=[Optional(), day_in_range])
    management_mode = SelectField(
        _l("Management mode"), coerce=_enum_or_none(ManagementMode), validators=[DataRequired()]
    )

    def offer(self, user) -> CompoundForm:
        """The caller's streets and their communities; the enums by label."""
        streets = list(db.session.scalars(_own_streets(user).order_by(Street.name)))
        self.street_id.choices = [("", "—")] + [(s.id, s.name) for s in streets]
        communities = db.session.execute(
            select(Community.id, Community.name, Street.name)
            .join(Street)
            .where(Community.street_id.in_([s.id for s in streets]))
            .order_by(Street.name, Community.name)
        )
        self.community_id.choices = [("", _l("— none —"))] + [
            (cid, f"{street} · {name}") for cid, name, street in communities
        ]
        self.renovation_type.choices = [("", "—")] + labels.choices(labels.RENOVATION_TYPES)
        self.management_mode.choices = [("", "—")] + labels.choices(labels.MANAGEMENT_MODES)
        return self

    def data_for_service(self) -> dict:
        return {
            name: getattr(self, name).data
            for name in (
                "name",
                "street_id",
                "community_id",
                "address",
                "year_built",
                "renovation_type",
                "acceptance_date",
                "management_mode",
            )
        } | {"address": (self.address.data or "").strip() or None}


def _own_streets(user):
    """The streets whose compounds the caller registers: the city's all, a street office its own."""
    query = visible(Street, user)
    return query if user.sees_whole_city or user.city_regulator else query.where(Street.id.in_(user.street_ids))


def _may_register(user) -> bool:
    return user.sees_whole_city or user.city_regulator or (user.role == Role.street_officer and bool(user.street_ids))


@bp.route("/compounds/new", methods=["GET", "POST"])
@login_required
def new_compound():
    if not _may_register(current_user):
        abort(403)
    form = CompoundForm().offer(current_user)
    if form.validate_on_submit():
        try:
            compound = create_compound(current_user, {"code": form.code.data, **form.data_for_service()})
        except DomainError as error:
            _report(form, error)
        else:
            db.session.commit()
            flash(_("Compound %(code)s registered.", code=compound.code), "success")
            return redirect(url_for(".compound", compound_id=compound.id))
    status = 422 if form.is_submitted() else 200
    return render_template("org/compound_form.html", form=form, compound=None), status


@bp.route("/compounds/<int:compound_id>/edit", methods=["GET", "POST"])
@login_required
def edit_compound(compound_id: int):
    compound = visible_or_404(Compound, compound_id)
    if not can_manage_compound(current_user, compound):
        abort(403)
    form = CompoundForm(obj=compound).offer(current_user)
    del form.code  # permanent: printed on notice boards and QR codes
    if form.validate_on_submit():
        try:
            update_compound(current_user, compound, form.data_for_service())
        except DomainError as error:
            db.session.rollback()
            _report(form, error)
        else:
            db.session.commit()
            flash(_("Compound %(code)s updated.", code=compound.code), "success")
            return redirect(url_for(".compound", compound_id=compound.id))
    status = 422 if form.is_submitted() else 200
    return render_template("org/compound_form.html", form=form, compound=compound), status


def _report(form: FlaskForm, error: DomainError) -> None:
    """The service's refusal by the fields, in the reader's language (its message is the API's)."""
    said = {name: [str(PROBLEMS.get(p, p)) for p in problems] for name, problems in error.errors.items()}
    report(form, DomainError(_("The compound was not saved: see the marked fields."), said, status=error.status))
