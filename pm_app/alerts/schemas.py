from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from pm_app.alerts.models import AUDIENCES

STATES = ("open", "acknowledged", "resolved")


class AlertQuery(Schema):
    rule = fields.Str()
    # The caller's state: open = not resolved and not acknowledged by the caller.
    state = fields.Str(validate=validate.OneOf(STATES))
    severity = fields.Str(validate=validate.OneOf(("critical", "warning", "info")))
    compound_id = fields.Int()
    street_id = fields.Int()


class AckIn(Schema):
    """Either ids (all of them, or none when one is out of scope) or a filter (everything unread
    for the caller that matches it)."""

    ids = fields.List(fields.Int(), validate=validate.Length(min=1, max=1000))
    filter = fields.Nested(AlertQuery(only=("rule", "severity", "compound_id", "street_id")))

    @validates_schema
    def _one_of(self, data, **_kw):
        if ("ids" in data) == ("filter" in data):
            raise ValidationError("give either ids or filter", "ids")


class AckOut(Schema):
    acknowledged = fields.Int()  # newly acknowledged by the caller
    already = fields.Int()  # the caller had acknowledged them before
    resolved = fields.Int()  # resolved meanwhile: left as they are


class AckByOut(Schema):
    user_id = fields.Int()
    name = fields.Str()
    at = fields.DateTime()


class AlertOut(Schema):
    id = fields.Int()
    rule = fields.Str()
    subject_type = fields.Str()
    subject_id = fields.Int()
    compound_id = fields.Int(allow_none=True)
    firm_id = fields.Int(allow_none=True)
    stage = fields.Str()
    severity = fields.Str()
    title = fields.Str()
    due_on = fields.Date(allow_none=True)
    # The caller's state (open / acknowledged / resolved); the alert's own is alert_state.
    state = fields.Function(lambda a: a.state if a.state == "resolved" else getattr(a, "reader_state", None) or a.state)
    alert_state = fields.Str(attribute="state")
    dedup_key = fields.Str()
    opened_at = fields.DateTime()
    acknowledged_at = fields.DateTime(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    resolved_by_id = fields.Int(allow_none=True)  # who resolved it by hand
    resolution = fields.Str(allow_none=True)


class EndpointIn(Schema):
    audience = fields.Str(required=True, validate=validate.OneOf(AUDIENCES))
    org_id = fields.Int(load_default=0, validate=validate.Range(min=0))
    channel = fields.Str(required=True, validate=validate.OneOf(("email", "webhook")))
    target = fields.Str(required=True, validate=validate.Length(min=3, max=512))
    format = fields.Str(load_default="json", validate=validate.OneOf(("json", "wecom", "dingtalk")))
    active = fields.Bool(load_default=True)
    # none: a message per alert; daily: one message a day listing the new alerts by group.
    digest = fields.Str(load_default="none", validate=validate.OneOf(("none", "daily")))


class EndpointOut(EndpointIn):
    id = fields.Int()


class SweepHealthOut(Schema):
    rule = fields.Str()
    schedule = fields.Str(allow_none=True)
    last_started_at = fields.DateTime(allow_none=True)
    last_finished_at = fields.DateTime(allow_none=True)
    last_ok_at = fields.DateTime(allow_none=True)
    last_error = fields.Str(allow_none=True)
    opened = fields.Int(allow_none=True)
    resolved = fields.Int(allow_none=True)
    stale = fields.Bool()


class HealthOut(Schema):
    mode = fields.Str()
    redis = fields.Str()
    sweeps = fields.List(fields.Nested(SweepHealthOut))
    outbox = fields.Dict(keys=fields.Str(), values=fields.Int())
    failed_deliveries = fields.List(fields.Dict())
    failed_jobs = fields.Int(allow_none=True)
