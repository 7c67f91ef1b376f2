"""The bill upload page: pick a file of past bills and payments, see what went in or every row
that stopped it. The fee pages link here as `fees_import.upload`."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from pm_app.auth.scope import get_visible
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.fees import imports
from pm_app.org.models import Compound
from pm_app.org.services import ensure

bp = Blueprint("fees_import", __name__)

SHOWN_ERRORS = 1000  # a table longer than this helps nobody; the count says how many more


class BillImportForm(FlaskForm):
    file = FileField(_l("Bills and payments file (CSV UTF-8 or XLSX)"), validators=[FileRequired(_l("Choose a file."))])


@bp.route("/compounds/<int:compound_id>/fees/import", methods=["GET", "POST"])
@login_required
def upload(compound_id: int):
    compound = get_visible(Compound, compound_id, current_user)
    ensure(imports.can_import_bills(current_user, compound), _l("import bills into this compound"))
    form = BillImportForm()
    result, refusal, status = None, None, 200
    if form.validate_on_submit():
        try:
            result = imports.import_bills(current_user, compound, form.file.data.stream)
            db.session.commit()
        except DomainError as exc:
            if exc.status != 422:
                raise
            refusal, status = exc, 422  # the service's savepoint has already undone its writes
    elif form.errors:
        status = 422
    return render_template("fees/import_bills.html", compound=compound, form=form, result=result,
                           refusal=refusal, shown=SHOWN_ERRORS,
                           max_bytes=current_app.config.get("MAX_CONTENT_LENGTH")), status
