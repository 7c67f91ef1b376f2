"""POST /api/v1/projects/{id}/items/import: a project's warranty items from one CSV or XLSX file."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from pm_app.auth.scope import object_in_scope
from pm_app.common.api import UploadBlueprint
from pm_app.jobs.imports import api_import
from pm_app.jobs.schemas import IMPORT_202, ImportStartedOut
from pm_app.warranties.models import RenovationProject

blp = UploadBlueprint(
    "warranties_imports_api",
    __name__,
    url_prefix="/api/v1",
    description="Bulk entry of warranty items. All or nothing: one bad row and nothing is written.",
)

FILE_HELP = (
    "CSV UTF-8 (with or without BOM) or XLSX (the sheet that opens first). One row per warranty item. "
    "Columns category, description, quantity, unit, location, warranty_years, warranty_start — or "
    "类别/质保类别, 项目内容/描述, 工程量/数量, 单位, 位置/部位, 质保年限, 质保起始日. Only category (its code "
    "or Chinese name) and description are required; years default to the category minimum and the "
    "start to the project's acceptance. See docs/imports.md."
)


class ItemImportIn(Schema):
    file = Upload(required=True, metadata={"description": FILE_HELP})
    include_hidden = fields.Bool(
        load_default=False,
        metadata={"description": "import the rows a workbook hides (by default skipped and listed in the result)"},
    )


class ItemImportOut(Schema):
    project_id = fields.Int()
    imported = fields.Int(metadata={"description": "warranty items written"})
    skipped = fields.Dict(metadata={"description": "rows read past: {empty, totals, hidden}"})
    hidden_rows = fields.List(fields.Int(), metadata={"description": "the hidden rows skipped (the first 200)"})
    ignored_columns = fields.List(fields.Str(), metadata={"description": "columns of the file nobody reads"})


@blp.route("/projects/<int:project_id>/items/import")
class ItemImport(MethodView):
    decorators = [object_in_scope(RenovationProject, "project_id")]

    @blp.arguments(ItemImportIn, location="form", content_type="multipart/form-data")
    @blp.response(201, ItemImportOut)
    @blp.alt_response(202, schema=ImportStartedOut, description=IMPORT_202, success=True)
    @blp.alt_response(403, description="the caller sees the project but may not add items to it")
    @blp.alt_response(404, description="no project with this id that the caller can see")
    @blp.alt_response(413, description="the upload is larger than the server's limit (MAX_CONTENT_LENGTH)")
    @blp.alt_response(
        422, description='errors keyed by row number ("1" is the header), or by "file"; nothing was written'
    )
    def post(self, data, project_id):
        """Import warranty items; ends are computed, and any bad row refuses the whole file"""
        return api_import(
            current_user, "warranty_items", project_id, data["file"], {"include_hidden": data["include_hidden"]}
        )
