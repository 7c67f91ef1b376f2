"""Forms of the ticket pages. They check shape (a choice from the list, a phone number, an
amount in yuan, a rating 1–5); the rules (a reason to reject or reopen, who may move a ticket,
the 7 days to reopen) are the services', whose refusals common.forms.report puts on the form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from pm_app.common.clock import CITY_TZ
from pm_app.common.forms import optional_int
from pm_app.common.inputs import normal
from pm_app.tickets.labels import CATEGORIES, PARTIES, PRIORITIES, SOURCES, choices
from pm_app.tickets.models import Priority, ResponsibleParty, TicketSource
from pm_app.tickets.models import TicketStatus as S
from pm_app.tickets.schemas import EXTERNAL_REF
from pm_app.tickets.services import PUBLIC_SOURCES
from pm_app.warranties.forms import Yuan

STAFF_SOURCES = {source: text for source, text in SOURCES.items() if source not in PUBLIC_SOURCES}


class ReportForm(FlaskForm):
    source = SelectField(_l("Reported through"), choices=choices(STAFF_SOURCES))
    priority = SelectField(_l("Priority"), choices=choices(PRIORITIES), default=Priority.normal.value)
    category = SelectField(_l("Category"), choices=choices(CATEGORIES))
    building = SelectField(_l("Building"), validators=[Optional()])
    warranty_item_id = SelectField(
        _l("Warranty item (if the defect is in renovation works)"), coerce=optional_int, validators=[Optional()]
    )
    description = TextAreaField(_l("What is wrong"), validators=[DataRequired(), Length(min=2, max=2000)])
    location = StringField(_l("Where exactly"), validators=[Optional(), Length(max=128)])
    reporter_name = StringField(_l("Reporter's name"), validators=[Optional(), Length(max=64)])
    reporter_phone = StringField(
        _l("Reporter's phone"),
        validators=[Optional(), Regexp(r"^[0-9+\- ]{5,20}$", message=_l("Digits, spaces, + and - only (5 to 20)."))],
    )
    # A 12345 order typed in: its number (full-width digits read as ASCII) and when the citizen called.
    external_ref = StringField(
        _l("Platform order number (e.g. 12345)"),
        filters=[lambda v: normal(v).strip() if v else v],
        validators=[
            Optional(),
            Regexp(rf"^{EXTERNAL_REF}\Z", message=_l("Letters, digits and - _ . / only, at most 64.")),
        ],
    )
    reported_at = DateTimeLocalField(
        _l("Reported by the citizen at (empty: now)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )

    def source_value(self) -> TicketSource:
        return TicketSource(self.source.data)

    def data_for_service(self) -> dict:
        return {
            "category": self.category.data,
            "priority": Priority(self.priority.data),
            "description": self.description.data.strip(),
            "location": (self.location.data or "").strip() or None,
            "building": self.building.data or None,
            "warranty_item_id": self.warranty_item_id.data,
            "reporter_name": (self.reporter_name.data or "").strip() or None,
            "reporter_phone": (self.reporter_phone.data or "").strip() or None,
            "external_ref": self.external_ref.data or None,
            "reported_at": self.reported_at.data.replace(tzinfo=CITY_TZ) if self.reported_at.data else None,
        }


class TransitionForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])

    def extra(self) -> dict:
        return {}


class ResolveForm(TransitionForm):
    cost = Yuan(_l("Cost of the repair (yuan, optional)"))

    def extra(self) -> dict:
        return {"cost_fen": self.cost.fen}


class CloseForm(TransitionForm):
    satisfaction = SelectField(
        _l("Satisfaction (1 poor – 5 very good)"),
        coerce=optional_int,
        choices=[("", "—"), *[(n, str(n)) for n in range(1, 6)]],
        validators=[Optional()],
    )
    comment = TextAreaField(_l("Comment on the repair"), validators=[Optional(), Length(max=2000)])

    def extra(self) -> dict:
        return {"satisfaction": self.satisfaction.data, "comment": self.comment.data}


FORMS = {S.resolved: ResolveForm, S.closed: CloseForm}


def transition_form(to: S, fresh: bool = False) -> TransitionForm:
    """The form moving a ticket to `to`, prefixed by it so one page holds several."""
    form_class = FORMS.get(to, TransitionForm)
    return form_class(formdata=None, prefix=to.value) if fresh else form_class(prefix=to.value)


class RouteForm(FlaskForm):
    responsible_party = SelectField(_l("Responsible party"), choices=choices(PARTIES))
    # Residents report without naming a warranty item (issue 27): the office names it here.
    warranty_item_id = SelectField(
        _l("Warranty item (if the defect is in renovation works)"), coerce=optional_int, validators=[Optional()]
    )
    reason = TextAreaField(_l("Why"), validators=[Length(max=2000)])

    def party(self) -> ResponsibleParty:
        return ResponsibleParty(self.responsible_party.data)


class EscalateForm(FlaskForm):
    """Offered only the priorities above the ticket's: escalating never lowers one."""

    priority = SelectField(_l("New priority"))
    reason = TextAreaField(_l("Why it is escalated"), validators=[Length(max=2000)])

    def for_ticket(self, current: Priority) -> EscalateForm:
        order = (Priority.low, Priority.normal, Priority.high, Priority.emergency)
        self.priority.choices = [(p.value, str(PRIORITIES[p])) for p in order[order.index(current) + 1 :]]
        return self


class DispatchForm(FlaskForm):
    # Any id reaches the service, which names the field when the person is not one it may take.
    user_id = SelectField(_l("Dispatch to"), coerce=optional_int, validators=[Optional()], validate_choice=False)

    def with_people(self, people: list[tuple[int, str]]) -> DispatchForm:
        self.user_id.choices = [("", "—"), *people]
        return self
