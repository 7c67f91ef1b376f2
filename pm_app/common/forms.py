"""What every page form shares: a service's refusal shown where the reader will look for it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from pm_app.common.inputs import FIRST_DAY, LAST_DAY, ascii_digits
from pm_app.errors import DomainError

# Fields the services name differently from the forms (tried after the name itself).
SERVICE_FIELDS = {"Idempotency-Key": "key", "quality_deposit": "deposit", "warranty_item_id": "item_id"}


def day_in_range(_form, field) -> None:
    """The pages' counterpart of the API's date bound (common.inputs): 1990-01-01 to 2100-12-31."""
    if field.data is not None and not FIRST_DAY <= field.data <= LAST_DAY:
        raise ValidationError(
            _l("Choose a date between %(first)s and %(last)s.", first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat())
        )


def optional_int(value):
    """Coerce for selects whose empty choice means "none": "" (and WTForms' "None") → None."""
    return int(value) if value not in (None, "", "None") else None


def _field(form, name: str):
    """The form's field a service names: "findings.2.warranty_item_id" is the third row's item
    select (a FieldList of FormFields), a plain name the field itself or its SERVICE_FIELDS alias."""
    found = form
    for part in name.split("."):
        if ascii_digits(part):
            entries = getattr(found, "entries", None)
            found = entries[int(part)] if entries is not None and int(part) < len(entries) else None
        else:
            fields = getattr(getattr(found, "form", found), "_fields", None) or {}
            found = fields.get(part) or fields.get(SERVICE_FIELDS.get(part, part))
        if found is None:
            return None
    return found if found is not form else None


def report(form: FlaskForm, error: DomainError) -> None:
    """A service's refusal on the form: its message above the form, its field problems next to
    the fields (problems about fields the form does not show join the message)."""
    form.form_errors.append(error.message)
    for name, problems in error.errors.items():
        field = _field(form, str(name))
        if field is not None and field.type != "HiddenField":
            field.errors = [*field.errors, *problems]
        else:
            form.form_errors.extend(problems)
