"""The warranty-item upload page: pick a project's list of works; then its preview, the job and
its result (jobs/import_page.py). The warranty pages link here as `warranties_import.upload`."""

from __future__ import annotations

from flask import Blueprint, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.file import FileField, FileRequired

from pm_app.auth.scope import get_visible
from pm_app.jobs import import_targets
from pm_app.jobs.import_page import ImportForm, upload_page
from pm_app.org.services import ensure
from pm_app.warranties.models import RenovationProject
from pm_app.warranties.services import can_manage_works

bp = Blueprint("warranties_import", __name__)


class ItemImportForm(ImportForm):
    file = FileField(_l("Warranty items file (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file."))])


def target(project_id: int, user) -> import_targets.Target:
    """The project a list of works goes into: seen (else 404) and managed by the caller (else 403)."""
    project = get_visible(RenovationProject, project_id, user)
    ensure(can_manage_works(user, project.compound), _l("add warranty items to this project"))
    return import_targets.Target(project, project.name, project.compound.street_id)


import_targets.register(
    "warranty_items",
    target,
    lambda i: url_for("warranties_import.upload", project_id=i),
    lambda i: url_for("projects.project", project_id=i),
)


@bp.route("/projects/<int:project_id>/items/import", methods=["GET", "POST"])
@login_required
def upload(project_id: int):
    project = target(project_id, current_user).obj
    return upload_page("warranties/import_items.html", ItemImportForm(), "warranty_items", project.id, project=project)
