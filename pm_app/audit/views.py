"""The audit trail page (/audit) for the admin and the regulator; 404 for everyone else."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from marshmallow import ValidationError

from pm_app.audit.kinds import FILTER_KINDS, kind_label
from pm_app.audit.models import ACTIONS
from pm_app.audit.readable import record_text
from pm_app.audit.schemas import AuditQuery
from pm_app.audit.scope import READERS
from pm_app.audit.services import search
from pm_app.common.listing import page_number, page_of

bp = Blueprint("audit", __name__)
bp.add_app_template_filter(record_text, "audit_record")
bp.add_app_template_filter(kind_label, "audit_kind")


@bp.route("/audit")
def index():
    if not current_user.is_authenticated or current_user.role not in READERS or current_user.city_regulator:
        abort(404)
    raw = {k: v for k, v in request.args.items() if k in AuditQuery().fields and v.strip()}
    try:
        args = AuditQuery().load(raw)
    except ValidationError:
        abort(400)
    page = page_of(search(current_user, args), page_number(request.args))
    return render_template(
        "audit/index.html", page=page, args=raw, actions=ACTIONS, kinds=sorted(FILTER_KINDS, key=kind_label)
    )
