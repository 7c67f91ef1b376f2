"""REST API of the organisation domain: parse, check scope, call a service, dump."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from sqlalchemy import or_
from sqlalchemy.orm import joinedload

from pm_app.auth.access import CITY, OFFICE, require_role
from pm_app.auth.scope import get_visible, object_in_scope, visible
from pm_app.common.api import Blueprint
from pm_app.common.filters import where_equal
from pm_app.common.pagination import paginate
from pm_app.extensions import db
from pm_app.org import schemas as s
from pm_app.org import services
from pm_app.org.models import Community, Compound, District, Firm, Household, ServiceContract, Street

blp = Blueprint(
    "org_api", __name__, url_prefix="/api/v1", description="Districts, streets, compounds, households, firms, contracts"
)


def _with_stats(compounds):
    stats = services.compound_counts([c.id for c in compounds])
    hidden = {} if services.sees_households(current_user) else {"households": None}
    for compound in compounds:
        compound.stats = {**stats.get(compound.id, {"households": 0, "buildings": 0, "floor_area_dm2": 0}), **hidden}
    return compounds


@blp.route("/districts")
class Districts(MethodView):
    @blp.response(200, s.DistrictOut(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        return paginate(visible(District, current_user).order_by(District.id), pagination_parameters)

    @require_role(*CITY)
    @blp.arguments(s.DistrictIn)
    @blp.response(201, s.DistrictOut)
    def post(self, data):
        district = services.create_district(data["name"], data.get("city_id"), current_user)
        db.session.commit()
        return district


@blp.route("/streets")
class Streets(MethodView):
    @blp.response(200, s.StreetOut(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        return paginate(visible(Street, current_user).order_by(Street.id), pagination_parameters)

    @require_role(*CITY)
    @blp.arguments(s.StreetIn)
    @blp.response(201, s.StreetOut)
    def post(self, data):
        street = services.create_street(current_user, data["name"], data["district_id"])
        db.session.commit()
        return street


@blp.route("/communities")
class Communities(MethodView):
    @blp.response(200, s.CommunityOut(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        return paginate(visible(Community, current_user).order_by(Community.id), pagination_parameters)

    @require_role(*OFFICE)
    @blp.arguments(s.CommunityIn)
    @blp.response(201, s.CommunityOut)
    def post(self, data):
        community = services.create_community(current_user, data["name"], data["street_id"])
        db.session.commit()
        return community


@blp.route("/compounds")
class Compounds(MethodView):
    @blp.arguments(s.CompoundQuery, location="query")
    @blp.response(200, s.CompoundDetailOut(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        return _with_stats(paginate(filter_compounds(visible(Compound, current_user), query), pagination_parameters))

    @require_role(*OFFICE)
    @blp.arguments(s.CompoundIn)
    @blp.response(201, s.CompoundDetailOut)
    def post(self, data):
        compound = services.create_compound(current_user, data)
        db.session.commit()
        return _with_stats([compound])[0]


def filter_compounds(query, args: dict):
    query = where_equal(query, Compound, args, ("street_id", "management_mode", "renovation_type"))
    if args.get("q"):
        like = f"%{args['q']}%"
        query = query.where(or_(Compound.name.ilike(like), Compound.code.ilike(like), Compound.address.ilike(like)))
    return query.order_by(Compound.code)


@blp.route("/compounds/<int:compound_id>")
class CompoundItem(MethodView):
    decorators = [object_in_scope(Compound, "compound_id")]

    @blp.response(200, s.CompoundDetailOut)
    def get(self, compound_id):
        return _with_stats([get_visible(Compound, compound_id, current_user)])[0]

    @blp.arguments(s.CompoundPatch(partial=True))
    @blp.response(200, s.CompoundDetailOut)
    def patch(self, data, compound_id):
        compound = services.update_compound(current_user, get_visible(Compound, compound_id, current_user), data)
        db.session.commit()
        return _with_stats([compound])[0]


@blp.route("/compounds/<int:compound_id>/households")
class Households(MethodView):
    decorators = [object_in_scope(Compound, "compound_id")]

    @blp.response(200, s.HouseholdOut(many=True))
    @blp.paginate()
    def get(self, compound_id, pagination_parameters):
        query = (
            visible(Household, current_user)
            .where(Household.compound_id == compound_id)
            .order_by(Household.id)
            .options(joinedload(Household.building))
        )  # the building name of each row, same statement
        return paginate(query, pagination_parameters)

    @blp.arguments(s.HouseholdIn)
    @blp.response(201, s.HouseholdOut)
    def post(self, data, compound_id):
        household = services.add_household(current_user, get_visible(Compound, compound_id, current_user), data)
        db.session.commit()
        return household


@blp.route("/firms")
class Firms(MethodView):
    @blp.arguments(s.FirmQuery, location="query")
    @blp.response(200, s.FirmOut(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        query = visible(Firm, current_user).order_by(Firm.id)
        if args.get("kind"):
            query = query.where(Firm.kind == args["kind"])
        if args.get("q"):
            query = query.where(or_(Firm.name.ilike(f"%{args['q']}%"), Firm.uscc == args["q"].upper()))
        return paginate(query, pagination_parameters)

    @require_role(*OFFICE)
    @blp.arguments(s.FirmIn)
    @blp.response(201, s.FirmOut)
    def post(self, data):
        firm = services.create_firm(data["kind"], data["name"], data["uscc"])
        db.session.commit()
        return firm


@blp.route("/firms/<int:firm_id>")
class FirmItem(MethodView):
    decorators = [object_in_scope(Firm, "firm_id")]

    @blp.response(200, s.FirmOut)
    def get(self, firm_id):
        return get_visible(Firm, firm_id, current_user)


@blp.route("/contracts")
class Contracts(MethodView):
    @blp.arguments(s.ContractQuery, location="query")
    @blp.response(200, s.ContractOut(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        query = visible(ServiceContract, current_user).order_by(ServiceContract.id)
        fields = ("compound_id", "firm_id", "committee_id", "street_id")
        return paginate(where_equal(query, ServiceContract, args, fields), pagination_parameters)

    @require_role(*OFFICE)
    @blp.arguments(s.ContractIn)
    @blp.response(201, s.ContractOut)
    def post(self, data):
        contract = services.create_contract(current_user, data)
        db.session.commit()
        return contract


@blp.route("/contracts/<int:contract_id>")
class ContractItem(MethodView):
    decorators = [object_in_scope(ServiceContract, "contract_id")]

    @blp.response(200, s.ContractOut)
    def get(self, contract_id):
        return get_visible(ServiceContract, contract_id, current_user)

    @blp.arguments(s.ContractPatch)
    @blp.response(200, s.ContractOut)
    def patch(self, data, contract_id):
        contract = get_visible(ServiceContract, contract_id, current_user)
        services.end_contract(current_user, contract, data["end"])
        db.session.commit()
        return contract
