"""HTML pages of the organisation domain."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from pm_app.auth.scope import visible
from pm_app.extensions import db
from pm_app.org.api import filter_compounds
from pm_app.org.models import Compound

bp = Blueprint("org", __name__)


@bp.route("/compounds")
@login_required
def compounds():
    args = {k: v for k, v in request.args.items() if v}
    rows = db.session.scalars(filter_compounds(visible(Compound, current_user), args).limit(200)).all()
    return render_template("org/compounds.html", compounds=rows)
