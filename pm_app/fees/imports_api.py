"""POST /api/v1/imports/bills: a compound's historical bills and payments from one CSV or XLSX file."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from pm_app.common.api import UploadBlueprint
from pm_app.fees.queries import refuse_without_fees
from pm_app.jobs.imports import api_import
from pm_app.jobs.schemas import IMPORT_202, ImportStartedOut

blp = UploadBlueprint(
    "fees_imports_api",
    __name__,
    url_prefix="/api/v1/imports",
    description="Bulk uploads. All or nothing: one bad row and nothing is written.",
)
blp.before_request(refuse_without_fees)

FILE_HELP = (
    "CSV UTF-8 (with or without BOM) or XLSX (the sheet that opens first). One row per bill, optionally "
    "with one payment; a bill may repeat on several rows to record several payments. Columns building, "
    "unit, period, amount_due, due_date, amount_paid, paid_at, method — or 楼栋, 单元/房号, 账期, 应收金额, "
    "到期日, 实收金额, 缴费时间, 缴费方式. The last four may be left out. See docs/imports.md."
)


class BillImportIn(Schema):
    compound_id = fields.Int(required=True)
    file = Upload(required=True, metadata={"description": FILE_HELP})
    include_hidden = fields.Bool(
        load_default=False,
        metadata={"description": "import the rows a workbook hides (by default skipped and listed in the result)"},
    )


class BillImportOut(Schema):
    compound_id = fields.Int()
    rows = fields.Int(metadata={"description": "rows read (blank rows are not counted)"})
    bills_created = fields.Int(metadata={"description": "bills written"})
    bills_existing = fields.Int(metadata={"description": "bills already there at the same amount"})
    payments_created = fields.Int(metadata={"description": "payments written"})
    payments_existing = fields.Int(metadata={"description": "payments recorded by an earlier import of these rows"})
    skipped = fields.Dict(metadata={"description": "rows read past: {empty, totals, hidden}"})
    hidden_rows = fields.List(fields.Int(), metadata={"description": "the hidden rows skipped (the first 200)"})
    ignored_columns = fields.List(fields.Str(), metadata={"description": "columns of the file nobody reads"})


@blp.route("/bills")
class BillImport(MethodView):
    @blp.arguments(BillImportIn, location="form", content_type="multipart/form-data")
    @blp.response(201, BillImportOut)
    @blp.alt_response(202, schema=ImportStartedOut, description=IMPORT_202, success=True)
    @blp.alt_response(403, description="the caller may not bill this compound")
    @blp.alt_response(404, description="no compound with this id that the caller can see")
    @blp.alt_response(409, description="a bill or payment of the file was written by someone else meanwhile")
    @blp.alt_response(413, description="the upload is larger than the server's limit (MAX_CONTENT_LENGTH)")
    @blp.alt_response(
        422,
        description='errors keyed by row number ("1" is the header), or by "file"/"compound_id"; nothing was written',
    )
    def post(self, data):
        """Import historical bills and payments; any bad row refuses the whole file, a repeat writes nothing"""
        return api_import(
            current_user, "bills", data["compound_id"], data["file"], {"include_hidden": data["include_hidden"]}
        )
