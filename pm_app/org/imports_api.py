"""POST /api/v1/imports/households: a compound's households from one CSV or XLSX file, all or none."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from pm_app.common.api import UploadBlueprint
from pm_app.jobs.imports import api_import
from pm_app.jobs.schemas import IMPORT_202, ImportStartedOut

blp = UploadBlueprint(
    "imports_api",
    __name__,
    url_prefix="/api/v1/imports",
    description="Bulk uploads. All or nothing: one bad row and nothing is written.",
)

FILE_HELP = (
    "CSV UTF-8 (with or without BOM) or XLSX (the sheet that opens first). Header row with the columns "
    "building, unit, floor_area_m2, owner_name, owner_phone — or 楼栋, 单元/房号, 建筑面积, 业主姓名, "
    "业主电话. owner_name and owner_phone may be left out. See docs/imports.md."
)


class HouseholdImportIn(Schema):
    compound_id = fields.Int(required=True)
    file = Upload(required=True, metadata={"description": FILE_HELP})
    include_hidden = fields.Bool(
        load_default=False,
        metadata={"description": "import the rows a workbook hides (by default skipped and listed in the result)"},
    )


class HouseholdImportOut(Schema):
    compound_id = fields.Int()
    imported = fields.Int(metadata={"description": "households written"})
    buildings_created = fields.Int(metadata={"description": "buildings that did not exist before"})
    skipped = fields.Dict(metadata={"description": "rows read past: {empty, totals, hidden}"})
    hidden_rows = fields.List(fields.Int(), metadata={"description": "the hidden rows skipped (the first 200)"})
    ignored_columns = fields.List(fields.Str(), metadata={"description": "columns of the file nobody reads"})


@blp.route("/households")
class HouseholdImport(MethodView):
    @blp.arguments(HouseholdImportIn, location="form", content_type="multipart/form-data")
    @blp.response(201, HouseholdImportOut)
    @blp.alt_response(202, schema=ImportStartedOut, description=IMPORT_202, success=True)
    @blp.alt_response(403, description="the caller may not manage this compound's households")
    @blp.alt_response(404, description="no compound with this id that the caller can see")
    @blp.alt_response(413, description="the upload is larger than the server's limit (MAX_CONTENT_LENGTH)")
    @blp.alt_response(
        422,
        description='errors keyed by row number ("1" is the header), or by "file"/"compound_id"; nothing was written',
    )
    def post(self, data):
        """Import households; any bad row refuses the whole file"""
        return api_import(
            current_user, "households", data["compound_id"], data["file"], {"include_hidden": data["include_hidden"]}
        )
