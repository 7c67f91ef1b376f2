"""Schemas of joint acceptance and the handed-over documents. Inputs refuse unknown fields."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from pm_app.warranties.acceptance_models import AcceptanceResult, AcceptanceStage, DocumentKind, ParticipantRole


class ParticipantIn(Schema):
    role = fields.Enum(ParticipantRole, by_value=True, required=True)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=64))


class AcceptanceFindingIn(Schema):
    description = fields.Str(required=True, validate=validate.Length(min=1, max=2000))
    rectify_by = fields.Date(required=True, metadata={"description": "the rectification deadline"})


class AcceptanceIn(Schema):
    stage = fields.Enum(
        AcceptanceStage,
        by_value=True,
        required=True,
        metadata={"description": "self (the district's self-acceptance, first) or comprehensive"},
    )
    held_on = fields.Date(required=True)
    result = fields.Enum(AcceptanceResult, by_value=True, required=True)
    summary = fields.Str(allow_none=True, validate=validate.Length(max=4000))
    participants = fields.List(
        fields.Nested(ParticipantIn),
        required=True,
        validate=validate.Length(max=60),
        metadata={"description": "at least one of role `residents`"},
    )
    findings = fields.List(
        fields.Nested(AcceptanceFindingIn),
        load_default=list,
        validate=validate.Length(max=100),
        metadata={"description": "the defects of a failed acceptance"},
    )


class ParticipantOut(Schema):
    role = fields.Enum(ParticipantRole, by_value=True)
    name = fields.Str()


class AcceptanceFindingOut(Schema):
    id = fields.Int()
    acceptance_id = fields.Int()
    description = fields.Str()
    rectify_by = fields.Date()
    closed_by_id = fields.Int(allow_none=True, metadata={"description": "the acceptance that passed after it"})
    closed_on = fields.Date(allow_none=True)


class AcceptanceOut(Schema):
    id = fields.Int()
    project_id = fields.Int()
    stage = fields.Enum(AcceptanceStage, by_value=True)
    held_on = fields.Date()
    result = fields.Enum(AcceptanceResult, by_value=True)
    summary = fields.Str(allow_none=True)
    participants = fields.List(fields.Nested(ParticipantOut))
    findings = fields.List(fields.Nested(AcceptanceFindingOut))
    created_at = fields.AwareDateTime()


class DocumentIn(Schema):
    kind = fields.Enum(DocumentKind, by_value=True, required=True)
    title = fields.Str(allow_none=True, validate=validate.Length(max=128))
    file = Upload(required=True, metadata={"description": "PDF, JPEG, PNG or DWG, checked by content"})


class DocumentOut(Schema):
    id = fields.Int()
    project_id = fields.Int()
    kind = fields.Enum(DocumentKind, by_value=True)
    title = fields.Str()
    original_name = fields.Str()
    content_type = fields.Str()
    size = fields.Int()
    created_at = fields.AwareDateTime()


class DocumentsOut(Schema):
    documents = fields.List(fields.Nested(DocumentOut))
    required = fields.List(fields.Enum(DocumentKind, by_value=True))
    missing = fields.List(
        fields.Enum(DocumentKind, by_value=True), metadata={"description": "required kinds not handed over yet"}
    )
