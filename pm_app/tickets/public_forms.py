"""Forms anyone may fill in without an account: report a repair, confirm or reopen it. They check
shape and length; the services check the rules. Every one carries its CSRF token."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from pm_app.common.forms import optional_int
from pm_app.tickets.labels import CATEGORIES
from pm_app.tickets.models import Priority

PHONE = r"^[0-9+\- ]{5,20}$"

# The public chooses between "normal" and "urgent"; the street office can raise it to an
# emergency, which would otherwise put a 1-hour clock on every anonymous report.
PUBLIC_PRIORITIES = (Priority.normal, Priority.high)


class PublicReportForm(FlaskForm):
    category = SelectField(_l("What is wrong"), choices=list(CATEGORIES.items()), validators=[DataRequired()])
    priority = RadioField(_l("How urgent"), default=Priority.normal.value, validators=[DataRequired()],
                          choices=[(Priority.normal.value, _l("Normal")),
                                   (Priority.high.value, _l("Urgent: it affects safety or daily life"))])
    building = SelectField(_l("Building"), choices=[], validators=[Optional()])
    # The compound's renovation works still under guarantee: choosing one sends the repair to
    # the builder as a warranty claim instead of to the property firm.
    warranty_item_id = SelectField(_l("Part of the renovation works? (optional)"), choices=[],
                                   coerce=optional_int,
                                   validators=[Optional()])
    location = StringField(_l("Where exactly"), validators=[Optional(), Length(max=128)])
    description = TextAreaField(_l("Describe the problem"), validators=[DataRequired(), Length(min=5, max=1000)])
    reporter_name = StringField(_l("Your name (optional)"), validators=[Optional(), Length(max=32)])
    reporter_phone = StringField(_l("Phone to call you back (optional)"),
                                 validators=[Optional(), Regexp(PHONE, message=_l("Write a phone number."))])
    photo = FileField(_l("A photo (optional)"))
    # Left empty by people (it is hidden); filled in by form-filling robots.
    website = StringField(_l("Leave this empty"), validators=[Optional()])

    def data_for_service(self) -> dict:
        text = {name: (getattr(self, name).data or "").strip() or None
                for name in ("building", "location", "reporter_name", "reporter_phone")}
        return {**text, "warranty_item_id": self.warranty_item_id.data, "category": self.category.data, "priority": Priority(self.priority.data),
                "description": self.description.data.strip()}


class ReporterForm(FlaskForm):
    """What the reporter posts about their repair: it carries the key only they were given."""
    confirm_key = StringField(_l("Confirmation key (on your receipt)"),
                              validators=[DataRequired(message=_l("Enter the confirmation key from your receipt.")),
                                          Length(max=32)])


class ConfirmForm(ReporterForm):
    satisfaction = RadioField(_l("How satisfied are you with the repair?"), validators=[DataRequired()],
                              choices=[(str(n), str(n)) for n in range(5, 0, -1)])
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=500)])


class ReopenForm(ReporterForm):
    note = TextAreaField(_l("What is still wrong"), validators=[DataRequired(), Length(min=2, max=500)])
