"""What every page form shares: a service's refusal shown where the reader will look for it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from pm_app.common.inputs import FIRST_DAY, LAST_DAY
from pm_app.errors import DomainError

# Fields the services name differently from the forms.
SERVICE_FIELDS = {"Idempotency-Key": "key", "quality_deposit": "deposit"}


def day_in_range(_form, field) -> None:
    """The pages' counterpart of the API's date bound (common.inputs): 1990-01-01 to 2100-12-31."""
    if field.data is not None and not FIRST_DAY <= field.data <= LAST_DAY:
        raise ValidationError(_l("Choose a date between %(first)s and %(last)s.", first=FIRST_DAY.isoformat(),
                                 last=LAST_DAY.isoformat()))


def optional_int(value):
    """Coerce for selects whose empty choice means "none": "" (and WTForms' "None") → None."""
    return int(value) if value not in (None, "", "None") else None


def report(form: FlaskForm, error: DomainError) -> None:
    """A service's refusal on the form: its message above the form, its field problems next to
    the fields (problems about fields the form does not show join the message)."""
    form.form_errors.append(error.message)
    for name, problems in error.errors.items():
        field = form._fields.get(SERVICE_FIELDS.get(name, name))
        if field is not None and field.type != "HiddenField":
            field.errors = [*field.errors, *problems]
        else:
            form.form_errors.extend(problems)
