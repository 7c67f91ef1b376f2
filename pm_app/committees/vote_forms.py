"""The form with which a committee (or its street office) records an owners' vote on the
maintenance fund: what was decided, and the four figures Art. 278 is judged by. Shape only; the
thresholds and the majority by matter are the service's (fund.record_vote, majorities)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from pm_app.committees.forms import _amount
from pm_app.committees.majorities import MATTERS
from pm_app.common.forms import day_in_range
from pm_app.common.inputs import InputError, parse_int
from pm_app.common.money import m2_to_dm2
from pm_app.org.labels import choices


def _area(_form, field):
    try:
        field.dm2 = m2_to_dm2((field.data or "").strip())
    except InputError:
        raise ValidationError(_l("Write an area in m², such as 8640.50.")) from None
    if field.dm2 < 0:
        raise ValidationError(_l("The area cannot be negative."))


def _owners(_form, field):
    try:
        field.count = parse_int((field.data or "").strip(), "owners", 0, 10_000_000)
    except InputError:
        raise ValidationError(_l("Write a whole number of owners, such as 312.")) from None


class VoteForm(FlaskForm):
    matter = SelectField(_l("What the owners decided on"), choices=choices(MATTERS))
    purpose = TextAreaField(_l("Purpose (what the money is for)"), validators=[DataRequired(), Length(min=2, max=500)])
    amount = StringField(_l("Amount (yuan)"), validators=[DataRequired(), _amount])
    voted_on = DateField(_l("Voted on"), validators=[DataRequired(), day_in_range])
    participating_area = StringField(
        _l("Floor area of the owners who took part (m²)"), validators=[DataRequired(), _area]
    )
    participating_owners = StringField(_l("Owners who took part"), validators=[DataRequired(), _owners])
    approving_area = StringField(_l("Floor area of the owners who approved (m²)"), validators=[DataRequired(), _area])
    approving_owners = StringField(_l("Owners who approved"), validators=[DataRequired(), _owners])

    def data_for_service(self) -> dict:
        return {
            "matter": self.matter.data,
            "purpose": self.purpose.data.strip(),
            "amount_fen": self.amount.fen,
            "voted_on": self.voted_on.data,
            "participating_area_dm2": self.participating_area.dm2,
            "participating_households": self.participating_owners.count,
            "approving_area_dm2": self.approving_area.dm2,
            "approving_households": self.approving_owners.count,
        }
