"""The household upload page: pick a file, see what went in or every row that stopped it."""
from __future__ import annotations

from functools import partial

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from pm_app.auth.scope import get_visible
from pm_app.common.import_page import import_page
from pm_app.org import imports
from pm_app.org.models import Compound
from pm_app.org.services import can_manage_households, ensure

bp = Blueprint("org_import", __name__)


class ImportForm(FlaskForm):
    file = FileField(_l("Household file (CSV UTF-8 or XLSX)"), validators=[FileRequired(_l("Choose a file."))])


@bp.route("/compounds/<int:compound_id>/import", methods=["GET", "POST"])
@login_required
def upload(compound_id: int):
    compound = get_visible(Compound, compound_id, current_user)
    ensure(can_manage_households(current_user, compound), _l("import households into this compound"))
    import_file = partial(imports.import_households, current_user, compound)
    return import_page("org/import_households.html", ImportForm(), import_file, compound=compound)
