"""GET /api/v1/audit-events: the trail, filtered and paginated, for the admin and the regulator."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from pm_app.audit import schemas as s
from pm_app.audit.scope import READERS
from pm_app.audit.services import search
from pm_app.common.api import Blueprint
from pm_app.common.pagination import paginate

blp = Blueprint("audit_api", __name__, url_prefix="/api/v1", description="The audit trail")


@blp.route("/audit-events", methods=["GET"])
@blp.arguments(s.AuditQuery, location="query")
@blp.response(200, s.AuditOut(many=True))
@blp.paginate()
def events(args, pagination_parameters):
    if current_user.role not in READERS or current_user.city_regulator:
        abort(404)  # the trail does not exist for the other roles
    return paginate(search(current_user, args), pagination_parameters)
