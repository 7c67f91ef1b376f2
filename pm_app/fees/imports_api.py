"""POST /api/v1/imports/bills: a compound's historical bills and payments from one CSV or XLSX file."""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from pm_app.auth.scope import get_visible
from pm_app.common.api import UploadBlueprint
from pm_app.extensions import db
from pm_app.fees.imports import import_bills
from pm_app.fees.queries import refuse_without_fees
from pm_app.org.models import Compound

blp = UploadBlueprint("fees_imports_api", __name__, url_prefix="/api/v1/imports",
                      description="Bulk uploads. All or nothing: one bad row and nothing is written.")
blp.before_request(refuse_without_fees)

FILE_HELP = ("CSV UTF-8 (with or without BOM) or XLSX (the sheet that opens first). One row per bill, optionally "
             "with one payment; a bill may repeat on several rows to record several payments. Columns building, "
             "unit, period, amount_due, due_date, amount_paid, paid_at, method — or 楼栋, 单元/房号, 账期, 应收金额, "
             "到期日, 实收金额, 缴费时间, 缴费方式. The last four may be left out. See docs/imports.md.")


class BillImportIn(Schema):
    compound_id = fields.Int(required=True)
    file = Upload(required=True, metadata={"description": FILE_HELP})


class BillImportOut(Schema):
    compound_id = fields.Int()
    rows = fields.Int(metadata={"description": "rows read (blank rows are not counted)"})
    bills_created = fields.Int(metadata={"description": "bills written"})
    bills_existing = fields.Int(metadata={"description": "bills already there at the same amount"})
    payments_created = fields.Int(metadata={"description": "payments written"})
    payments_existing = fields.Int(metadata={"description": "payments recorded by an earlier import of these rows"})


@blp.route("/bills")
class BillImport(MethodView):
    @blp.arguments(BillImportIn, location="form", content_type="multipart/form-data")
    @blp.response(201, BillImportOut)
    @blp.alt_response(403, description="the caller may not bill this compound")
    @blp.alt_response(404, description="no compound with this id that the caller can see")
    @blp.alt_response(409, description="a bill or payment of the file was written by someone else meanwhile")
    @blp.alt_response(413, description="the upload is larger than the server's limit (MAX_CONTENT_LENGTH)")
    @blp.alt_response(422, description="errors keyed by row number (\"1\" is the header), or by "
                                       "\"file\"/\"compound_id\"; nothing was written")
    def post(self, data):
        """Import historical bills and payments; any bad row refuses the whole file, a repeat writes nothing"""
        compound = get_visible(Compound, data["compound_id"], current_user)
        result = import_bills(current_user, compound, data["file"].stream)
        db.session.commit()
        return result
