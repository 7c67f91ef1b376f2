"""The household upload page: pick a file, see what went in or every row that stopped it."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from pm_app.auth.scope import get_visible
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.org import imports
from pm_app.org.models import Compound
from pm_app.org.services import can_manage_households, ensure

bp = Blueprint("org_import", __name__)

SHOWN_ERRORS = 1000  # a table longer than this helps nobody; the count says how many more


class ImportForm(FlaskForm):
    file = FileField(_l("Household file (CSV UTF-8 or XLSX)"), validators=[FileRequired(_l("Choose a file."))])


@bp.route("/compounds/<int:compound_id>/import", methods=["GET", "POST"])
@login_required
def upload(compound_id: int):
    compound = get_visible(Compound, compound_id, current_user)
    ensure(can_manage_households(current_user, compound), _l("import households into this compound"))
    form = ImportForm()
    result, refusal, status = None, None, 200
    if form.validate_on_submit():
        try:
            result = imports.import_households(current_user, compound, form.file.data.stream)
            db.session.commit()
        except DomainError as exc:
            if exc.status != 422:
                raise
            refusal, status = exc, 422  # the service's savepoint has already undone its writes
    elif form.errors:
        status = 422
    return render_template("org/import_households.html", compound=compound, form=form, result=result,
                           refusal=refusal, shown=SHOWN_ERRORS,
                           max_bytes=current_app.config.get("MAX_CONTENT_LENGTH")), status
