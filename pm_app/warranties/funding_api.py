"""REST API of renovation money (issue 26): payments made on a project and the funding, late
completion and payment progress report. Parse, check scope, call a service, dump."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from pm_app.auth.access import OFFICE, require_role
from pm_app.auth.scope import get_visible, object_in_scope
from pm_app.common.api import Blueprint
from pm_app.common.clock import today
from pm_app.extensions import db
from pm_app.org.models import District
from pm_app.warranties import disbursements, report
from pm_app.warranties import funding_schemas as s
from pm_app.warranties.models import RenovationProject

blp = Blueprint(
    "funding_api",
    __name__,
    url_prefix="/api/v1",
    description="Payments made on renovation projects, and the money and progress report",
)


@blp.route("/projects/<int:project_id>/disbursements")
class Disbursements(MethodView):
    decorators = [object_in_scope(RenovationProject, "project_id")]

    @blp.response(200, s.DisbursementOut(many=True))
    def get(self, project_id):
        """Payments made on the project (资金支付), oldest first"""
        get_visible(RenovationProject, project_id, current_user)
        return disbursements.of_project(project_id)

    @blp.arguments(s.DisbursementIn)
    @blp.response(201, s.DisbursementOut)
    @blp.alt_response(
        422,
        description="a day in the future, a source that funds nothing on the project, "
        "or more than is left of the source",
    )
    def post(self, data, project_id):
        """Record a payment made from one of the project's funding sources"""
        project = get_visible(RenovationProject, project_id, current_user)
        payment = disbursements.record(
            current_user, project, data["paid_on"], data["amount_fen"], data["source"], data.get("note")
        )
        db.session.commit()
        return payment


@blp.route("/renovation/report")
class Report(MethodView):
    @require_role(*OFFICE)
    @blp.arguments(s.RenovationReportQuery, location="query")
    @blp.response(200, s.RenovationReportOut)
    def get(self, args):
        """Funding shares by source, the share of projects completed late and payment progress, for the
        caller's projects (a street office: its streets; the regulator: the city), by district"""
        return report.renovation_report(current_user, filters(args))


def filters(args: dict) -> report.Filters:
    """The report's filters; a district the caller does not see is a 404, as any object is."""
    year = args.get("year")
    if args.get("district_id") is not None:
        get_visible(District, args["district_id"], current_user)
    return report.Filters(
        as_of=args.get("as_of") or today(),
        year_from=year or args.get("year_from"),
        year_to=year or args.get("year_to"),
        district_id=args.get("district_id"),
    )
