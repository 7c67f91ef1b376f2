"""Forms of the login and user-admin pages. Validation here is about shape; the rules (which
binding a role needs, unique usernames) are in pm_app.auth.services and reported on the form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length, Optional, ValidationError

from pm_app.auth import passwords
from pm_app.common.forms import optional_int
from pm_app.org.labels import ROLES, choices


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class MeetsPolicy:
    """The password policy on a form, in the reader's language. The username it is checked
    against is the form's own field, or `policy_username` that the view sets (reset, change)."""

    def __call__(self, form, field):
        username = getattr(form, "policy_username", None) or getattr(getattr(form, "username", None), "data", None)
        if codes := passwords.problems(field.data or "", username):
            raise ValidationError(" ".join(passwords.translated(codes)))


class UserForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    display_name = StringField(_l("Display name"), validators=[Optional(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), MeetsPolicy()])
    role = SelectField(_l("Role"), choices=choices(ROLES))
    # Choices are filled per request from the database; the service checks that they exist.
    street_ids = SelectMultipleField(_l("Streets"), coerce=int, validate_choice=False)
    firm_id = SelectField(_l("Firm"), coerce=optional_int, validate_choice=False)
    compound_id = SelectField(_l("Compound"), coerce=optional_int, validate_choice=False)
    city_id = SelectField(_l("City"), coerce=optional_int, validate_choice=False)


class CityForm(FlaskForm):
    name = StringField(_l("City name"), validators=[DataRequired(), Length(max=64)])


class RegulatorCityForm(FlaskForm):
    """Which city a regulator sees: one, or "" for every city (the province's regulator)."""

    city_id = SelectField(_l("Sees"), coerce=optional_int, validate_choice=False)


class PasswordResetForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), MeetsPolicy()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class PasswordChangeForm(FlaskForm):
    """A signed-in user's own change: the current password, then the new one twice."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1024)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), MeetsPolicy()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )


class ActiveForm(FlaskForm):
    """Enable or disable an account; the hidden field says which, so a replayed click is harmless."""

    active = HiddenField(validators=[AnyOf(["0", "1"])])


class SignOutForm(FlaskForm):
    """Sign a user out everywhere: only the CSRF token, the URL names the user."""
