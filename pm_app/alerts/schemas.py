from marshmallow import Schema, fields, validate

from pm_app.alerts.models import AUDIENCES

STATES = ("open", "acknowledged", "resolved")


class AlertQuery(Schema):
    rule = fields.Str()
    state = fields.Str(validate=validate.OneOf(STATES))
    compound_id = fields.Int()


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
    state = fields.Str()
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
