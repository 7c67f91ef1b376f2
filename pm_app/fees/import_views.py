"""The bill upload page: pick a file of past bills and payments (a fee ledger); then its preview,
the job and its result (jobs/import_page.py). The fee pages link here as `fees_import.upload`."""

from __future__ import annotations

from flask import Blueprint, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.file import FileField, FileRequired

from pm_app.auth.scope import get_visible
from pm_app.fees import imports
from pm_app.jobs import import_targets
from pm_app.jobs.import_page import ImportForm, upload_page
from pm_app.org.models import Compound
from pm_app.org.services import ensure

bp = Blueprint("fees_import", __name__)


class BillImportForm(ImportForm):
    file = FileField(_l("Bills and payments file (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file."))])


def target(compound_id: int, user) -> import_targets.Target:
    """The compound whose bills a file holds: seen (else 404) and billed by the caller (else 403)."""
    compound = get_visible(Compound, compound_id, user)
    ensure(imports.can_import_bills(user, compound), _l("import bills into this compound"))
    return import_targets.Target(compound, compound.name, compound.street_id)


import_targets.register(
    "bills",
    target,
    lambda i: url_for("fees_import.upload", compound_id=i),
    lambda i: url_for("fees.compound", compound_id=i),
)


@bp.route("/compounds/<int:compound_id>/fees/import", methods=["GET", "POST"])
@login_required
def upload(compound_id: int):
    compound = target(compound_id, current_user).obj
    return upload_page("fees/import_bills.html", BillImportForm(), "bills", compound.id, compound=compound)
