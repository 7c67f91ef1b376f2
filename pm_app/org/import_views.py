"""The household upload page: pick a file; then its preview, the job and its result (jobs/import_page.py)."""

from __future__ import annotations

from flask import Blueprint, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.file import FileField, FileRequired

from pm_app.auth.scope import get_visible
from pm_app.jobs import import_targets
from pm_app.jobs.import_page import ImportForm as UploadForm
from pm_app.jobs.import_page import upload_page
from pm_app.org.models import Compound
from pm_app.org.services import can_manage_households, ensure

bp = Blueprint("org_import", __name__)


class ImportForm(UploadForm):
    file = FileField(_l("Household file (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file."))])


def target(compound_id: int, user) -> import_targets.Target:
    """The compound a household file goes into: seen (else 404) and managed by the caller (else 403)."""
    compound = get_visible(Compound, compound_id, user)
    ensure(can_manage_households(user, compound), _l("import households into this compound"))
    return import_targets.Target(compound, compound.name, compound.street_id)


import_targets.register(
    "households",
    target,
    lambda i: url_for("org_import.upload", compound_id=i),
    lambda i: url_for("org.compound", compound_id=i),
)


@bp.route("/compounds/<int:compound_id>/import", methods=["GET", "POST"])
@login_required
def upload(compound_id: int):
    compound = target(compound_id, current_user).obj
    return upload_page("org/import_households.html", ImportForm(), "households", compound.id, compound=compound)
