from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional

from pm_app.auth.models import Role


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class UserForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    display_name = StringField(_l("Display name"), validators=[Optional(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=8)])
    role = SelectField(_l("Role"), choices=[(r.value, r.value) for r in Role])
    street_ids = SelectMultipleField(_l("Streets"), coerce=int, validate_choice=False)
    firm_id = SelectField(_l("Firm"), coerce=lambda v: int(v) if v else None, validate_choice=False)
    compound_id = SelectField(_l("Compound"), coerce=lambda v: int(v) if v else None, validate_choice=False)


class ToggleForm(FlaskForm):
    """Empty form: carries the CSRF token for enable/disable buttons."""

    confirm = BooleanField(default=True)
