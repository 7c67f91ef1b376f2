"""The bill upload page: pick a file of past bills and payments, see what went in or every row
that stopped it. The fee pages link here as `fees_import.upload`."""
from __future__ import annotations

from functools import partial

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from pm_app.auth.scope import get_visible
from pm_app.common.import_page import import_page
from pm_app.fees import imports
from pm_app.org.models import Compound
from pm_app.org.services import ensure

bp = Blueprint("fees_import", __name__)


class BillImportForm(FlaskForm):
    file = FileField(_l("Bills and payments file (CSV UTF-8 or XLSX)"), validators=[FileRequired(_l("Choose a file."))])


@bp.route("/compounds/<int:compound_id>/fees/import", methods=["GET", "POST"])
@login_required
def upload(compound_id: int):
    compound = get_visible(Compound, compound_id, current_user)
    ensure(imports.can_import_bills(current_user, compound), _l("import bills into this compound"))
    import_file = partial(imports.import_bills, current_user, compound)
    return import_page("fees/import_bills.html", BillImportForm(), import_file, compound=compound)
