"""REST API of renovation works and warranties: parse, check scope, call a service, dump."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from sqlalchemy.orm import selectinload

from pm_app.auth.access import CITY, OFFICE, require_role
from pm_app.auth.scope import get_visible, object_in_scope, visible
from pm_app.common.api import Blueprint
from pm_app.common.clock import today
from pm_app.common.filters import where_equal
from pm_app.common.pagination import paginate
from pm_app.extensions import db
from pm_app.org import arrangements
from pm_app.warranties import deposit, inspections, queries, services
from pm_app.warranties import schemas as s
from pm_app.warranties.models import Inspection, RenovationProject, WarrantyCategory, WarrantyClaim, WarrantyItem

blp = Blueprint(
    "warranties_api",
    __name__,
    url_prefix="/api/v1",
    description="Renovation projects, warranty items, inspections, warranty claims and deposits",
)


@blp.route("/warranty-categories")
class Categories(MethodView):
    @blp.response(200, s.CategoryOut(many=True))
    def get(self):
        """Warranty categories with their minimum years and where each minimum comes from"""
        return db.session.scalars(visible(WarrantyCategory, current_user).order_by(WarrantyCategory.code)).all()

    @require_role(*CITY)
    @blp.arguments(s.CategoryIn)
    @blp.response(201, s.CategoryOut)
    def post(self, data):
        """Add a category (the city's own terms)"""
        category = services.create_category(**data)
        db.session.commit()
        return category


@blp.route("/projects")
class Projects(MethodView):
    @blp.response(200, s.ProjectOut(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        query = visible(RenovationProject, current_user).options(selectinload(RenovationProject.funding))
        return arrangements.flag(paginate(query.order_by(RenovationProject.id), pagination_parameters), today())

    @require_role(*OFFICE)
    @blp.arguments(s.ProjectIn)
    @blp.response(201, s.ProjectOut)
    def post(self, data):
        project = services.create_project(current_user, data)
        db.session.commit()
        return arrangements.flag([project], today())[0]


@blp.route("/projects/<int:project_id>")
class ProjectItem(MethodView):
    decorators = [object_in_scope(RenovationProject, "project_id")]

    @blp.response(200, s.ProjectOut)
    def get(self, project_id):
        return arrangements.flag([get_visible(RenovationProject, project_id, current_user)], today())[0]

    @blp.arguments(s.ProjectPatch(partial=True))
    @blp.response(200, s.ProjectOut)
    def patch(self, data, project_id):
        project = services.update_project(current_user, get_visible(RenovationProject, project_id, current_user), data)
        db.session.commit()
        return project


@blp.route("/projects/<int:project_id>/items")
class ProjectItems(MethodView):
    decorators = [object_in_scope(RenovationProject, "project_id")]

    @blp.response(200, s.ItemOut(many=True))
    @blp.paginate()
    def get(self, project_id, pagination_parameters):
        query = queries.items_query(current_user, {"project_id": project_id}, today())
        return queries.with_state(paginate(query, pagination_parameters), today())

    @blp.arguments(s.ItemIn)
    @blp.response(201, s.ItemOut)
    @blp.alt_response(422, description="unknown category, or warranty_years below the category minimum")
    def post(self, data, project_id):
        """Add a warranty item; its end is computed, and years below the category minimum are refused"""
        project = get_visible(RenovationProject, project_id, current_user)
        item = services.add_item(current_user, project, data)
        db.session.commit()
        return queries.with_state([item], today())[0]


@blp.route("/warranty-items")
class WarrantyItems(MethodView):
    @blp.arguments(s.ItemQuery, location="query")
    @blp.response(200, s.ItemOut(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Warranty items, soonest end first; `expiring_within_days=N` keeps those ending in (as_of, as_of + N]"""
        as_of = args.get("as_of") or today()
        return queries.with_state(
            paginate(queries.items_query(current_user, args, as_of), pagination_parameters), as_of
        )


@blp.route("/warranty-items/<int:item_id>")
class WarrantyItemDetail(MethodView):
    decorators = [object_in_scope(WarrantyItem, "item_id")]

    @blp.response(200, s.ItemOut)
    def get(self, item_id):
        return queries.with_state([get_visible(WarrantyItem, item_id, current_user)], today())[0]


@blp.route("/inspections")
class Inspections(MethodView):
    @blp.response(200, s.InspectionOut(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        query = visible(Inspection, current_user).options(selectinload(Inspection.findings))
        return paginate(query.order_by(Inspection.inspected_on.desc(), Inspection.id.desc()), pagination_parameters)

    @require_role(*OFFICE)
    @blp.arguments(s.InspectionIn)
    @blp.response(201, s.InspectionOut)
    def post(self, data):
        """Record a joint inspection; a finding on an item inside its warranty opens a warranty claim"""
        inspection = inspections.record_inspection(current_user, data)
        db.session.commit()
        return inspection


@blp.route("/warranty-claims")
class Claims(MethodView):
    @blp.arguments(s.ClaimQuery, location="query")
    @blp.response(200, s.ClaimOut(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        query = where_equal(visible(WarrantyClaim, current_user), WarrantyClaim, args, ("project_id", "state"))
        return paginate(query.order_by(WarrantyClaim.id), pagination_parameters)


@blp.route("/warranty-claims/<int:claim_id>/close")
class CloseClaim(MethodView):
    decorators = [object_in_scope(WarrantyClaim, "claim_id")]

    @blp.arguments(s.ClaimClose)
    @blp.response(200, s.ClaimOut)
    def post(self, data, claim_id):
        """The contractor (or the street office) reports the repair done"""
        claim = services.close_claim(current_user, get_visible(WarrantyClaim, claim_id, current_user), data["note"])
        db.session.commit()
        return claim


@blp.route("/projects/<int:project_id>/deposit/<any(release, forfeit):kind>")
class Deposit(MethodView):
    decorators = [object_in_scope(RenovationProject, "project_id")]

    @blp.arguments(s.DepositIn)
    @blp.response(201, s.DepositOut)
    @blp.alt_response(409, description="release while warranty claims are open, or nothing left to decide")
    def post(self, data, project_id, kind):
        """Release (退还) or forfeit (扣除) the deposit, all that is left unless an amount is given"""
        project = get_visible(RenovationProject, project_id, current_user)
        decide = deposit.release if kind == "release" else deposit.forfeit
        decision = decide(current_user, project, data["amount"], data["reason"])
        db.session.commit()
        return decision


@blp.route("/projects/<int:project_id>/deposit")
class DepositHistory(MethodView):
    decorators = [object_in_scope(RenovationProject, "project_id")]

    @blp.response(200, s.DepositOut(many=True))
    def get(self, project_id):
        return deposit.decisions(project_id)
