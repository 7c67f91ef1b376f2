"""Input and output schemas of the ticket API. The reporter's contact is masked for roles that
do not call residents back (see `TicketOut`)."""

from __future__ import annotations

from flask_login import current_user
from marshmallow import Schema, ValidationError, fields, post_dump, validate, validates_schema

from pm_app.common.clock import CITY_TZ, now
from pm_app.common.fields import Day, Line, Money, Token
from pm_app.common.privacy import mask_name, mask_phone
from pm_app.common.strict_query import StrictQuery
from pm_app.tickets import sla
from pm_app.tickets.labels import CATEGORIES as CATEGORY_LABELS
from pm_app.tickets.models import Priority, ResponsibleParty, TicketSource, TicketStatus

# One list, labels.CATEGORIES: a city extends it there (a code and its Chinese label); the column
# is text, so a new category needs no migration.
CATEGORIES = tuple(CATEGORY_LABELS)
# A platform's order number as it prints it: "2024031500123", "GD-2024-0001", "12345/2024/17".
EXTERNAL_REF = r"[A-Za-z0-9][A-Za-z0-9_./-]{0,63}"


class TicketIn(Schema):
    compound_id = fields.Int(required=True)
    category = fields.Str(required=True, validate=validate.OneOf(CATEGORIES))
    priority = fields.Enum(Priority, by_value=True, load_default=Priority.normal)
    source = fields.Enum(TicketSource, by_value=True, required=True)
    description = fields.Str(required=True, validate=validate.Length(min=2, max=2000))
    location = fields.Str(allow_none=True, validate=validate.Length(max=128))
    building = fields.Str(allow_none=True, validate=validate.Length(max=32))
    warranty_item_id = fields.Int(allow_none=True)
    reporter_name = fields.Str(allow_none=True, validate=validate.Length(max=64))
    reporter_phone = fields.Str(allow_none=True, validate=validate.Regexp(r"^[0-9+\- ]{5,20}$"))
    external_ref = Token(
        EXTERNAL_REF,
        "letters, digits and - _ . / only, at most 64",
        allow_none=True,
        metadata={"description": "the 12345 (or other platform's) order number; unique per source"},
    )
    reported_at = fields.AwareDateTime(
        default_timezone=CITY_TZ,
        allow_none=True,
        metadata={
            "description": "when the citizen reported it (city time if no offset); default now; SLA counts from it"
        },
    )


class TicketQuery(StrictQuery):
    """The list's filters, the board's own (tickets.queries.Filters); an unknown one is a 422."""

    compound_id = fields.Int()
    street_id = fields.Int()
    status = fields.Enum(TicketStatus, by_value=True)
    open = fields.Bool(metadata={"description": "true: only tickets not yet resolved (未办结)"})
    source = fields.Enum(TicketSource, by_value=True)
    category = fields.Str(validate=validate.OneOf(CATEGORIES))
    priority = fields.Enum(Priority, by_value=True)
    responsible_party = fields.Enum(ResponsibleParty, by_value=True)
    overdue = fields.Bool()
    created_from = Day(metadata={"description": "first city day reported (reported_at), included"})
    created_to = Day(metadata={"description": "last city day reported (reported_at), included"})
    q = Line(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "a tracking code, a platform order number, or words of the description"},
    )
    assignee_user_id = fields.Int(metadata={"description": "dispatched to this person (your own id: your tickets)"})

    @validates_schema
    def _days_in_order(self, data, **kwargs):
        if data.get("created_from") and data.get("created_to") and data["created_from"] > data["created_to"]:
            raise ValidationError("must not be before created_from", "created_to")


class StatsQuery(StrictQuery):
    """The period and place of the statistics; an unknown name is a 422."""

    source = fields.Enum(TicketSource, by_value=True)
    created_from = Day(metadata={"description": "first city day reported (reported_at), included"})
    created_to = Day(metadata={"description": "last city day reported (reported_at), included"})
    street_id = fields.Int()
    compound_id = fields.Int()

    _days_in_order = TicketQuery._days_in_order


class TicketShareOut(Schema):
    count = fields.Int()
    share = fields.Str(metadata={"description": 'of all tickets counted, four places: "0.3879"'})


class StreetShareOut(TicketShareOut):
    name = fields.Str()


class StatsOut(Schema):
    tickets = fields.Int(metadata={"description": "tickets counted"})
    by_category = fields.Dict(keys=fields.Str(), values=fields.Nested(TicketShareOut))
    by_responsible_party = fields.Dict(keys=fields.Str(), values=fields.Nested(TicketShareOut))
    by_source = fields.Dict(keys=fields.Str(), values=fields.Nested(TicketShareOut))
    by_street = fields.Dict(
        keys=fields.Str(),
        values=fields.Nested(StreetShareOut),
        metadata={"description": "street id → name, count, share"},
    )


class TransitionIn(Schema):
    to = fields.Enum(TicketStatus, by_value=True, required=True)
    note = fields.Str(allow_none=True, validate=validate.Length(max=2000))
    satisfaction = fields.Int(allow_none=True, validate=validate.Range(min=1, max=5))
    comment = fields.Str(allow_none=True, validate=validate.Length(max=2000))
    cost = Money(allow_none=True, metadata={"description": "what the repair cost, when resolving"})


class RouteIn(Schema):
    responsible_party = fields.Enum(ResponsibleParty, by_value=True, required=True)
    warranty_item_id = fields.Int(allow_none=True)  # the item the defect is in, when the report named none
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=2000))


class EscalateIn(Schema):
    priority = fields.Enum(Priority, by_value=True, required=True)
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=2000))


class DispatchIn(Schema):
    user_id = fields.Int(
        required=True,
        metadata={
            "description": "an active member of the assignee firm's staff, "
            "or (for the street office) one of its officers"
        },
    )


class PersonOut(Schema):
    id = fields.Int()
    name = fields.Str()
    role = fields.Str()


class EventOut(Schema):
    id = fields.Int()
    actor_label = fields.Str(data_key="actor")
    from_status = fields.Str(allow_none=True, data_key="from")
    to_status = fields.Str(data_key="to")
    note = fields.Str(allow_none=True)
    at = fields.AwareDateTime()


class TicketOut(Schema):
    id = fields.Int()
    tracking_code = fields.Str()
    compound_id = fields.Int()
    building_id = fields.Int(allow_none=True)
    warranty_item_id = fields.Int(allow_none=True)
    category = fields.Str()
    source = fields.Enum(TicketSource, by_value=True)
    priority = fields.Enum(Priority, by_value=True)
    description = fields.Str()
    location = fields.Str(allow_none=True)
    reporter_name = fields.Str(allow_none=True)
    reporter_phone = fields.Str(allow_none=True)
    responsible_party = fields.Enum(ResponsibleParty, by_value=True)
    assignee_firm_id = fields.Int(allow_none=True)
    assignee_user_id = fields.Int(allow_none=True)  # the person it was dispatched to
    routing_note = fields.Str(allow_none=True)
    status = fields.Enum(TicketStatus, by_value=True)
    respond_by = fields.AwareDateTime()
    resolve_by = fields.AwareDateTime()
    responded_at = fields.AwareDateTime(allow_none=True)
    resolved_at = fields.AwareDateTime(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    overdue = fields.Function(lambda t: sla.overdue(t, now()))
    cost = Money(attribute="cost_fen", allow_none=True)
    satisfaction = fields.Int(allow_none=True)
    satisfaction_comment = fields.Str(allow_none=True)
    # "reporter" (with their confirmation key), or the role of the staff member who closed it.
    satisfaction_by = fields.Str(allow_none=True)
    claim_id = fields.Int(allow_none=True)
    external_ref = fields.Str(allow_none=True)
    reported_at = fields.AwareDateTime()
    created_at = fields.AwareDateTime()

    @post_dump(pass_original=True)
    def _mask(self, data, ticket, **kwargs):
        from pm_app.tickets.services import sees_reporter

        if not sees_reporter(current_user, ticket):
            data["reporter_name"] = mask_name(data.get("reporter_name"))
            data["reporter_phone"] = mask_phone(data.get("reporter_phone"))
        return data


class TicketDetailOut(TicketOut):
    events = fields.List(fields.Nested(EventOut))
