"""The counter's pay form: the months ticked, the sum, how it was paid, who paid. What each month
owed when the page was drawn travels with the form (`owed`), so a page drawn before someone
else's payment is told so instead of paying a sum the cashier did not mean."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from pm_app.fees.forms import _Money
from pm_app.fees.labels import PAYMENT_METHODS
from pm_app.fees.payments import KEY_MAX
from pm_app.org.labels import choices


class CounterPayForm(FlaskForm):
    key = HiddenField(validators=[DataRequired(), Length(max=KEY_MAX)])
    owed = HiddenField(validators=[Length(max=4000)])  # "bill id:fen;…" as the page showed them
    amount = _Money(_l("Amount (yuan)"), validators=[DataRequired()])
    method = SelectField(_l("Method"), choices=choices(PAYMENT_METHODS))
    payer_name = StringField(_l("Payer (optional)"), validators=[Optional(), Length(max=64)])


def snapshot(bills) -> str:
    return ";".join(f"{bill.id}:{bill.outstanding_fen}" for bill in bills)


def read_snapshot(text: str) -> dict[int, int]:
    """The `owed` field back as {bill id: fen}; anything malformed reads as nothing shown."""
    shown = {}
    for part in (text or "").split(";"):
        bill_id, _, fen = part.partition(":")
        if (
            bill_id.isascii()
            and fen.isascii()
            and bill_id.isdigit()
            and fen.isdigit()
            and len(bill_id) < 12
            and len(fen) < 16
        ):
            shown[int(bill_id)] = int(fen)
    return shown
