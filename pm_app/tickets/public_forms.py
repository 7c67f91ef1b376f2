"""Forms anyone may fill in without an account: report a repair, confirm or reopen it. They check
shape and length; the services check the rules. Every one carries its CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from pm_app.tickets.models import Priority

PHONE = r"^[0-9+\- ]{5,20}$"

# The public chooses between "normal" and "urgent"; the street office can raise it to an
# emergency, which would otherwise put a 1-hour clock on every anonymous report.
PUBLIC_PRIORITIES = (Priority.normal, Priority.high)


# What a resident sees and says ("the stairwell", "a street light"), each sent to the ticket
# category (tickets.labels.CATEGORIES) that the offices sort and count by. The renovation's
# warranty items are not offered: residents cannot tell 宅间路硬化 from 道路及方砖铺装, and a
# report without an item goes to the property firm, which hands it to the builder when the
# defect is under guarantee (issue 27).
WHAT = {
    "stairwell": (_l("Stairwell (handrails, doors, walls)"), "walls"),
    "roof": (_l("Roof (leaks from above)"), "roof"),
    "outer_wall": (_l("Outer wall"), "walls"),
    "road": (_l("Roads and pavements"), "roads"),
    "light": (_l("Street or stairwell lights"), "lighting"),
    "drain": (_l("Sewer or drain blocked"), "drainage"),
    "water": (_l("Water pipe leak"), "water_leak"),
    "elevator": (_l("Elevator"), "elevator"),
    "wiring": (_l("Wires and power boxes"), "electrical"),
    "green": (_l("Trees and lawns"), "greenery"),
    "rubbish": (_l("Rubbish and cleanliness"), "sanitation"),
    "other": (_l("Other"), "other"),
}


class PublicReportForm(FlaskForm):
    what = RadioField(
        _l("What needs repairing?"),
        choices=[(key, label) for key, (label, _c) in WHAT.items()],
        validators=[DataRequired(message=_l("Choose what needs repairing."))],
    )
    priority = RadioField(
        _l("How urgent"),
        default=Priority.normal.value,
        validators=[DataRequired()],
        choices=[
            (Priority.normal.value, _l("Normal")),
            (Priority.high.value, _l("Urgent: it affects safety or daily life")),
        ],
    )
    building = SelectField(_l("Building"), choices=[], validators=[Optional()])
    location = StringField(_l("Where exactly"), validators=[Optional(), Length(max=128)])
    description = TextAreaField(_l("Describe the problem"), validators=[DataRequired(), Length(min=5, max=1000)])
    reporter_name = StringField(_l("Your name (optional)"), validators=[Optional(), Length(max=32)])
    reporter_phone = StringField(
        _l("Phone to call you back (optional)"),
        validators=[Optional(), Regexp(PHONE, message=_l("Write a phone number."))],
    )
    photo = FileField(_l("A photo (optional)"))
    # Left empty by people (it is hidden); filled in by form-filling robots.
    website = StringField(_l("Leave this empty"), validators=[Optional()])

    def data_for_service(self) -> dict:
        text = {
            name: (getattr(self, name).data or "").strip() or None
            for name in ("building", "location", "reporter_name", "reporter_phone")
        }
        return {
            **text,
            "category": WHAT[self.what.data][1],
            "priority": Priority(self.priority.data),
            "description": self.description.data.strip(),
        }


class ReporterForm(FlaskForm):
    """What the reporter posts about their repair: it carries the key only they were given."""

    confirm_key = StringField(
        _l("Confirmation key (on your receipt)"),
        validators=[DataRequired(message=_l("Enter the confirmation key from your receipt.")), Length(max=32)],
    )


class ConfirmForm(ReporterForm):
    satisfaction = RadioField(
        _l("How satisfied are you with the repair?"),
        validators=[DataRequired()],
        choices=[(str(n), str(n)) for n in range(5, 0, -1)],
    )
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=500)])


class ReopenForm(ReporterForm):
    note = TextAreaField(_l("What is still wrong"), validators=[DataRequired(), Length(min=2, max=500)])
