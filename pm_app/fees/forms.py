"""Forms of the fee pages. They check shape (an amount in yuan, a month, a reason); the rules
(outstanding amount, who may collect, replays) are in the services, whose refusals `report`
puts next to the fields they concern."""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from pm_app.common.clock import CITY_TZ
from pm_app.common.money import AmountError, yuan_to_fen
from pm_app.fees.labels import PAYMENT_METHODS
from pm_app.fees.payments import KEY_MAX
from pm_app.fees.periods import PeriodError, parse_period
from pm_app.org.labels import choices


def new_key() -> str:
    """A fresh idempotency key, issued when the payment form is drawn: the form's two
    submits (a double click, a browser resubmit) carry the same one and record one payment."""
    return str(uuid.uuid4())


class _Money(StringField):
    """Yuan as typed ("71.6", "71.60"); `fen` holds the parsed amount after validation."""

    fen: int | None = None

    def post_validate(self, form, validation_stopped):
        if validation_stopped:  # empty: DataRequired has said so already
            return
        try:
            self.fen = yuan_to_fen((self.data or "").strip())
        except AmountError:
            raise ValidationError(_l("Write an amount in yuan, such as 71.60.")) from None
        if self.fen <= 0:
            raise ValidationError(_l("The amount must be greater than zero."))


def _a_period(form, field):
    try:
        field.data = parse_period(field.data.strip())
    except PeriodError:
        raise ValidationError(_l("Write the month as YYYY-MM, e.g. 2026-09.")) from None


class GenerateForm(FlaskForm):
    period = StringField(_l("Period"), validators=[DataRequired(), _a_period])


class PaymentForm(FlaskForm):
    key = HiddenField(validators=[DataRequired(), Length(max=KEY_MAX)])
    amount = _Money(_l("Amount (yuan)"), validators=[DataRequired()])
    method = SelectField(_l("Method"), choices=choices(PAYMENT_METHODS))
    paid_at = DateTimeLocalField(_l("Paid at (leave empty for now)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])

    @property
    def paid_at_aware(self):
        # The till's clock is the city's: a time typed without a zone is Beijing time.
        return self.paid_at.data.replace(tzinfo=CITY_TZ) if self.paid_at.data else None


class ReversalForm(FlaskForm):
    reason = StringField(_l("Reason for the reversal"), validators=[DataRequired(), Length(max=500)])


class WaiverForm(FlaskForm):
    key = HiddenField(validators=[DataRequired(), Length(max=KEY_MAX)])
    amount = _Money(_l("Amount (yuan)"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
    approved_by = StringField(_l("Approved by"), validators=[DataRequired(), Length(max=128)])
