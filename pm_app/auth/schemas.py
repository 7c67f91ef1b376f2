from marshmallow import Schema, fields, validate


class TokenIn(Schema):
    username = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    password = fields.Str(required=True, load_only=True)


class PasswordChangeIn(Schema):
    current_password = fields.Str(required=True, load_only=True, validate=validate.Length(min=1, max=1024))
    new_password = fields.Str(required=True, load_only=True, validate=validate.Length(min=1, max=1024))


class TokenOut(Schema):
    token = fields.Str()
    expires_in = fields.Int(metadata={"description": "seconds"})


class MeOut(Schema):
    id = fields.Int()
    username = fields.Str()
    role = fields.Str(attribute="role.value")
    street_ids = fields.List(fields.Int())
    firm_id = fields.Int(allow_none=True)
    compound_id = fields.Int(allow_none=True)
