"""The project page's payment form (issue 26). It checks shape; the rules (a source that funds
the project, no more than is left of it, no day in the future) are disbursements.record's."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from pm_app.common.forms import day_in_range
from pm_app.warranties.forms import Yuan


class DisbursementForm(FlaskForm):
    paid_on = DateField(_l("Paid on"), validators=[DataRequired(), day_in_range])
    amount = Yuan(_l("Amount (yuan)"), validators=[InputRequired()])
    source = SelectField(_l("Paid from"), validators=[DataRequired()])
    note = StringField(_l("Note (voucher, stage of works)"), validators=[Optional(), Length(max=200)])
