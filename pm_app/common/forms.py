"""What every page form shares: a service's refusal shown where the reader will look for it."""
from __future__ import annotations

from flask_wtf import FlaskForm

from pm_app.errors import DomainError

# Fields the services name differently from the forms.
SERVICE_FIELDS = {"Idempotency-Key": "key"}


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
