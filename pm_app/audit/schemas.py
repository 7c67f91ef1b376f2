from marshmallow import Schema, fields, validate

from pm_app.audit.models import ACTIONS


class AuditQuery(Schema):
    actor = fields.Str(validate=validate.Length(max=64), metadata={"description": "username or user id"})
    kind = fields.Str(validate=validate.Length(max=64), metadata={"description": "table name, `request` or `login`"})
    object_id = fields.Str(validate=validate.Length(max=64))
    action = fields.Str(validate=validate.OneOf(ACTIONS))
    since = fields.Date(metadata={"description": "first UTC day included"})
    until = fields.Date(metadata={"description": "last UTC day included"})


class AuditOut(Schema):
    id = fields.Int()
    at = fields.DateTime()
    actor_id = fields.Int(allow_none=True)
    actor_name = fields.Str(allow_none=True)
    action = fields.Str()
    kind = fields.Str()
    object_id = fields.Str(allow_none=True)
    before = fields.Dict(allow_none=True, metadata={"description": "changed columns before; money in integer fen"})
    after = fields.Dict(allow_none=True, metadata={"description": "changed columns after; money in integer fen"})
    detail = fields.Dict(allow_none=True, metadata={"description": "bulk: count and scope; denied: route and object"})
    request_id = fields.Str(allow_none=True)
    ip = fields.Str(allow_none=True)
    method = fields.Str(allow_none=True)
    path = fields.Str(allow_none=True)
    status = fields.Int(allow_none=True)
