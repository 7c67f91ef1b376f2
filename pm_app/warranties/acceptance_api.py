"""API of joint acceptance and the handed-over documents of a project. Reading follows the
project's scope; recording is the street office's and the city's (services check it)."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from sqlalchemy import select

from pm_app.auth.scope import get_visible, object_in_scope
from pm_app.common.api import UploadBlueprint
from pm_app.errors import NotFound
from pm_app.extensions import db
from pm_app.warranties import acceptance, documents
from pm_app.warranties import acceptance_schemas as s
from pm_app.warranties.acceptance_models import ProjectDocument
from pm_app.warranties.models import RenovationProject

blp = UploadBlueprint(
    "acceptance_api",
    __name__,
    url_prefix="/api/v1",
    description="Joint completion acceptance of a project and the documents handed over with it",
)


@blp.route("/projects/<int:project_id>/acceptances")
class Acceptances(MethodView):
    decorators = [object_in_scope(RenovationProject, "project_id")]

    @blp.response(200, s.AcceptanceOut(many=True))
    def get(self, project_id):
        """The project's acceptances, oldest first, with participants and findings"""
        return acceptance.acceptances_of(project_id)

    @blp.arguments(s.AcceptanceIn)
    @blp.response(201, s.AcceptanceOut)
    @blp.alt_response(
        409, description="out of order: comprehensive before a passed self-acceptance, or accepted already"
    )
    @blp.alt_response(
        422,
        description="no residents' representative, a failed acceptance without defects, or a deadline before the day",
    )
    def post(self, data, project_id):
        """Record an acceptance; a passed one closes the open defects, and a passed comprehensive one
        sets the project's acceptance date (its warranties start then)"""
        project = get_visible(RenovationProject, project_id, current_user)
        record = acceptance.record_acceptance(current_user, project, data)
        db.session.commit()
        return record


@blp.route("/projects/<int:project_id>/documents")
class Documents(MethodView):
    decorators = [object_in_scope(RenovationProject, "project_id")]

    @blp.response(200, s.DocumentsOut)
    def get(self, project_id):
        """The documents handed over, the kinds required and those still missing"""
        records = documents.documents_of(project_id)
        return {"documents": records, "required": documents.REQUIRED, "missing": documents.missing(records)}

    @blp.arguments(s.DocumentIn, location="form", content_type="multipart/form-data")
    @blp.response(201, s.DocumentOut)
    @blp.alt_response(413, description="the file is larger than the limit")
    @blp.alt_response(422, description="not a PDF, JPEG, PNG or DWG file")
    def post(self, data, project_id):
        """Hand over a document (multipart: kind, title, file)"""
        project = get_visible(RenovationProject, project_id, current_user)
        record = documents.attach(
            current_user, project, data["kind"], data.get("title"), data["file"].stream, data["file"].filename
        )
        try:
            db.session.commit()
        except Exception:
            documents.discard(record)
            raise
        return record


@blp.route("/projects/<int:project_id>/documents/<int:document_id>")
class DocumentFile(MethodView):
    decorators = [object_in_scope(RenovationProject, "project_id")]

    @blp.response(200, description="the file itself, as a download")
    def get(self, project_id, document_id):
        """Download a document"""
        record = db.session.scalar(
            select(ProjectDocument).where(ProjectDocument.id == document_id, ProjectDocument.project_id == project_id)
        )
        if record is None:
            raise NotFound()
        return documents.send(record)
