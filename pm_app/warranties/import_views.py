"""The warranty-item upload page: pick a project's list of works, see how many went in or every
row that stopped it. The warranty pages link here as `warranties_import.upload`."""
from __future__ import annotations

from functools import partial

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from pm_app.auth.scope import get_visible
from pm_app.common.import_page import import_page
from pm_app.org.services import ensure
from pm_app.warranties import imports
from pm_app.warranties.models import RenovationProject
from pm_app.warranties.services import can_manage_works

bp = Blueprint("warranties_import", __name__)


class ItemImportForm(FlaskForm):
    file = FileField(_l("Warranty items file (CSV UTF-8 or XLSX)"), validators=[FileRequired(_l("Choose a file."))])


@bp.route("/projects/<int:project_id>/items/import", methods=["GET", "POST"])
@login_required
def upload(project_id: int):
    project = get_visible(RenovationProject, project_id, current_user)
    ensure(can_manage_works(current_user, project.compound), _l("add warranty items to this project"))
    import_file = partial(imports.import_items, current_user, project)
    return import_page("warranties/import_items.html", ItemImportForm(), import_file, project=project)
