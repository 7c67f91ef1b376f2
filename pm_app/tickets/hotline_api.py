"""POST /api/v1/imports/hotline (the 12345 platform's export, all or nothing, unmatched orders
assigned by the caller) and GET /api/v1/tickets/hotline-replies (the 办结回复 to paste back)."""

from __future__ import annotations

import json

from flask.views import MethodView
from flask_login import current_user
from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate, validates

from pm_app.common.api import UploadBlueprint
from pm_app.common.fields import Day
from pm_app.common.strict_query import StrictQuery
from pm_app.jobs.imports import api_import
from pm_app.jobs.schemas import IMPORT_202, ImportStartedOut
from pm_app.tickets import hotline_replies

blp = UploadBlueprint(
    "hotline_api",
    __name__,
    url_prefix="/api/v1",
    description="The 12345 hotline: importing its orders, exporting the replies",
)

FILE_HELP = (
    "The 12345 platform's export: XLSX (the sheet that opens first) or CSV UTF-8. Columns 工单编号 (or "
    "工单号, 编号), 受理时间 (来电时间, 登记时间), 诉求内容 (问题描述, 内容) are required; 诉求人, 联系电话, "
    "诉求地址, 问题分类, 办理时限 and their variants are read when present; other columns are ignored. "
    "See docs/tickets.md."
)
ASSIGN_HELP = (
    'JSON object {order number: compound id | "skip"} for the orders a 422 `unmatched_orders` '
    "listed; the file is sent again with it."
)


class HotlineImportIn(Schema):
    file = Upload(required=True, metadata={"description": FILE_HELP})
    street_id = fields.Int(metadata={"description": "match only the compounds of this street (one of yours)"})
    assignments = fields.Str(validate=validate.Length(max=200_000), metadata={"description": ASSIGN_HELP})

    @validates("assignments")
    def _json_object(self, value, **kwargs):
        try:
            parsed = json.loads(value)
        except ValueError:
            raise ValidationError('must be a JSON object {order number: compound id | "skip"}') from None
        if not isinstance(parsed, dict) or not all(
            isinstance(v, (int, str)) and not isinstance(v, bool) for v in parsed.values()
        ):
            raise ValidationError('must be a JSON object {order number: compound id | "skip"}')


class OrderRefOut(Schema):
    row = fields.Int()
    external_ref = fields.Str()
    ticket_id = fields.Int(allow_none=True)
    tracking_code = fields.Str()
    compound_id = fields.Int()
    first_row = fields.Int()


class HotlineImportOut(Schema):
    rows = fields.Int(metadata={"description": "orders read (repeats included)"})
    imported = fields.Function(lambda r: len(r["created"]), metadata={"description": "tickets created"})
    skipped_existing = fields.Function(
        lambda r: len(r["already_imported"]), metadata={"description": "orders already imported before"}
    )
    skipped_by_choice = fields.Function(lambda r: len(r["skipped"]))
    duplicates_in_file = fields.Function(lambda r: len(r["duplicates"]))
    skipped_duplicates = fields.Function(
        lambda r: len(r["already_imported"]) + len(r["duplicates"]),
        metadata={"description": "orders not imported because their number was known: before, or earlier in the file"},
    )
    created = fields.List(fields.Nested(OrderRefOut))
    already_imported = fields.List(fields.Nested(OrderRefOut))
    skipped = fields.List(fields.Nested(OrderRefOut))
    duplicates = fields.List(fields.Nested(OrderRefOut))


@blp.route("/imports/hotline")
class HotlineImport(MethodView):
    @blp.arguments(HotlineImportIn, location="form", content_type="multipart/form-data")
    @blp.response(201, HotlineImportOut)
    @blp.alt_response(202, schema=ImportStartedOut, description=IMPORT_202, success=True)
    @blp.alt_response(403, description="only street offices and the city import 12345 orders")
    @blp.alt_response(409, description="an order was recorded by someone else meanwhile; nothing was written")
    @blp.alt_response(413, description="the upload is larger than the server's limit (MAX_CONTENT_LENGTH)")
    @blp.alt_response(
        422,
        description='code invalid_input: errors keyed by row number ("1" the header) or '
        '"file"; code unmatched_orders: `unmatched` lists the orders to assign '
        "or skip (row, external_ref, address, candidates); nothing was written",
    )
    def post(self, data):
        """Import the 12345 orders of a platform export; unmatched addresses refuse the file until assigned"""
        assignments = json.loads(data["assignments"]) if data.get("assignments") else {}
        return api_import(current_user, "hotline", data.get("street_id"), data["file"], {"assignments": assignments})


class RepliesQuery(StrictQuery):
    created_from = Day(metadata={"description": "first city day reported (reported_at), included"})
    created_to = Day(metadata={"description": "last city day reported (reported_at), included"})
    street_id = fields.Int()


class ReplyOut(Schema):
    ticket_id = fields.Int()
    external_ref = fields.Str()
    resolved_at = fields.AwareDateTime(allow_none=True)
    status = fields.Str()
    reply = fields.Str(metadata={"description": "the resolution note (办理结果), from the ticket's events"})
    responsible_unit = fields.Str(metadata={"description": "责任单位: the firm that answered, or the party"})


@blp.route("/tickets/hotline-replies")
class HotlineReplies(MethodView):
    @blp.arguments(RepliesQuery, location="query")
    @blp.response(200, ReplyOut(many=True))
    def get(self, args):
        """The 办结回复 of the caller's resolved and closed 12345 orders, to paste into the platform"""
        return hotline_replies.replies(
            current_user, args.get("created_from"), args.get("created_to"), args.get("street_id")
        )
