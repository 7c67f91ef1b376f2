"""POST /api/v1/projects/{id}/items/import: a project's warranty items from one CSV or XLSX file."""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from pm_app.auth.scope import get_visible, object_in_scope
from pm_app.common.api import UploadBlueprint
from pm_app.extensions import db
from pm_app.warranties.imports import import_items
from pm_app.warranties.models import RenovationProject

blp = UploadBlueprint("warranties_imports_api", __name__, url_prefix="/api/v1",
                      description="Bulk entry of warranty items. All or nothing: one bad row and nothing is written.")

FILE_HELP = ("CSV UTF-8 (with or without BOM) or XLSX (the sheet that opens first). One row per warranty item. "
             "Columns category, description, quantity, unit, location, warranty_years, warranty_start — or "
             "类别/质保类别, 项目内容/描述, 工程量/数量, 单位, 位置/部位, 质保年限, 质保起始日. Only category (its code "
             "or Chinese name) and description are required; years default to the category minimum and the "
             "start to the project's acceptance. See docs/imports.md.")


class ItemImportIn(Schema):
    file = Upload(required=True, metadata={"description": FILE_HELP})


class ItemImportOut(Schema):
    project_id = fields.Int()
    imported = fields.Int(metadata={"description": "warranty items written"})


@blp.route("/projects/<int:project_id>/items/import")
class ItemImport(MethodView):
    decorators = [object_in_scope(RenovationProject, "project_id")]

    @blp.arguments(ItemImportIn, location="form", content_type="multipart/form-data")
    @blp.response(201, ItemImportOut)
    @blp.alt_response(403, description="the caller sees the project but may not add items to it")
    @blp.alt_response(404, description="no project with this id that the caller can see")
    @blp.alt_response(413, description="the upload is larger than the server's limit (MAX_CONTENT_LENGTH)")
    @blp.alt_response(422, description="errors keyed by row number (\"1\" is the header), or by \"file\"; "
                                       "nothing was written")
    def post(self, data, project_id):
        """Import warranty items; ends are computed, and any bad row refuses the whole file"""
        project = get_visible(RenovationProject, project_id, current_user)
        result = import_items(current_user, project, data["file"].stream)
        db.session.commit()
        return result
