"""REST API of the fee counter: find a household, read a receipt, the day's cash-up. (A household's
payment itself is POST /api/v1/households/{id}/payments, in fees.api.)"""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from pm_app.auth.scope import get_visible
from pm_app.common.api import Blueprint
from pm_app.common.clock import today
from pm_app.common.pagination import count_of
from pm_app.extensions import db
from pm_app.fees.counter import cashup, household_search, receipts
from pm_app.fees.counter import schemas as s
from pm_app.fees.models import Receipt

blp = Blueprint(
    "counter_api",
    __name__,
    url_prefix="/api/v1",
    description="The fee counter (收费台): household search, receipts (收据) and the day's cash-up (日结).",
)


@blp.route("/households")
class HouseholdSearch(MethodView):
    @blp.arguments(s.HouseholdSearchQuery, location="query")
    @blp.response(200, s.HouseholdFoundOut(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Households by building and unit as typed, owner's name or the phone's last four digits"""
        query = household_search.query(current_user, args["q"], args["compound_id"])
        pagination_parameters.item_count = count_of(query)
        rows = db.session.execute(query.limit(pagination_parameters.page_size).offset(pagination_parameters.first_item))
        return household_search.found_rows(current_user, rows)


@blp.route("/receipts/<int:receipt_id>")
class ReceiptItem(MethodView):
    @blp.response(200, s.ReceiptOut)
    @blp.alt_response(404, description="no receipt with this id that the caller can see")
    def get(self, receipt_id):
        """A receipt: number, months, amount in figures and in capitals (大写), method, cashier, void or not"""
        return receipts.printed(get_visible(Receipt, receipt_id, current_user))


@blp.route("/cash-ups")
class CashUp(MethodView):
    @blp.arguments(s.CashUpQuery, location="query")
    @blp.response(200, s.CashUpOut)
    @blp.alt_response(404, description="a cashier the caller may not see")
    def get(self, args):
        """One cashier's day (日结): receipts, the voided ones, totals by method"""
        return cashup.cash_up(current_user, args["date"] or today(), args["cashier_id"])
