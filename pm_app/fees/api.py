"""REST API of the fee domain: bills, payments (idempotent), waivers, collection rates, arrears."""

from __future__ import annotations

from flask import jsonify, request
from flask.views import MethodView
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pm_app.auth.scope import get_visible, object_in_scope, visible
from pm_app.common.api import Blueprint
from pm_app.common.clock import today
from pm_app.common.filters import where_equal
from pm_app.common.pagination import paginate
from pm_app.extensions import db
from pm_app.fees import billing, payments, rates
from pm_app.fees import schemas as s
from pm_app.fees.billing import bulk
from pm_app.fees.counter import desk
from pm_app.fees.models import Bill, Payment
from pm_app.fees.queries import refuse_without_fees
from pm_app.fees.reports import arrears
from pm_app.jobs import services as jobs
from pm_app.jobs.schemas import JobStartedOut
from pm_app.org.models import Compound, Household

blp = Blueprint(
    "fees_api",
    __name__,
    url_prefix="/api/v1",
    description="Bills, payments, waivers, collection rates and arrears. Money is a decimal string "
    "of yuan; rates are decimal strings with four places.",
)
blp.before_request(refuse_without_fees)

KEY_HEADER = "Idempotency-Key"


@blp.route("/bills/generate")
class GenerateBills(MethodView):
    @blp.arguments(s.GenerateIn)
    @blp.response(200, s.GenerateOut)
    @blp.alt_response(
        202,
        schema=JobStartedOut,
        description="firm_id or street_id: a job bills each of its compounds; follow it at GET /api/v1/jobs/{job_id}",
    )
    @blp.alt_response(403, description="the caller may not bill this compound")
    @blp.alt_response(404, description="no compound, firm or street with this id that the caller can see")
    @blp.alt_response(409, description="a job for the same firm or street and period is still running")
    def post(self, data):
        """Bill every household of a compound for one period (repeating it creates nothing), or of
        every compound of a firm or a street, as a background job"""
        if data.get("compound_id") is None:
            return bulk_started(data)
        compound = get_visible(Compound, data["compound_id"], current_user)
        result = billing.generate_for_compound(current_user, compound, data["period"])
        db.session.commit()
        return result


def bulk_started(data):
    selection = bulk.select_compounds(current_user, data["period"], data.get("firm_id"), data.get("street_id"))
    job = bulk.start(current_user, selection)
    db.session.commit()
    jobs.launch(job.id)  # after the commit: the worker finds the row
    db.session.expire(job)
    response = jsonify(JobStartedOut().dump({"job_id": job.id, "state": job.state, "total": job.progress_total}))
    response.status_code, response.headers["Location"] = 202, f"/api/v1/jobs/{job.id}"
    return response  # a Response as it is: flask-smorest would dump a tuple with the 200 schema


@blp.route("/bills")
class Bills(MethodView):
    @blp.arguments(s.BillQuery, location="query")
    @blp.response(200, s.BillOut(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        query = where_equal(
            visible(Bill, current_user), Bill, args, ("compound_id", "household_id", "period", "status")
        )
        return paginate(query.order_by(Bill.period.desc(), Bill.household_id), pagination_parameters)


@blp.route("/bills/<int:bill_id>")
class BillItem(MethodView):
    decorators = [object_in_scope(Bill, "bill_id")]

    @blp.response(200, s.BillDetailOut)
    def get(self, bill_id):
        bill = get_visible(Bill, bill_id, current_user)
        bill.payments = list(db.session.scalars(select(Payment).where(Payment.bill_id == bill.id).order_by(Payment.id)))
        bill.waivers = payments.waivers_of(bill.id)
        return bill


@blp.route("/bills/<int:bill_id>/waivers")
class Waivers(MethodView):
    decorators = [object_in_scope(Bill, "bill_id")]

    @blp.arguments(s.WaiverIn)
    @blp.response(201, s.WaiverOut)
    @blp.doc(
        parameters=[
            {
                "in": "header",
                "name": KEY_HEADER,
                "required": False,
                "schema": {"type": "string"},
                "description": "optional; with it, a retry returns the first waiver instead of a second",
            }
        ]
    )
    def post(self, data, bill_id):
        """Waive (减免) part or all of what is outstanding, with the reason and the approver"""
        waiver = payments.waive(
            current_user,
            bill_id,
            data["amount"],
            data["reason"],
            data["approved_by"],
            key=request.headers.get(KEY_HEADER),
        )
        db.session.commit()
        return waiver


@blp.route("/payments")
class Payments(MethodView):
    @blp.arguments(s.PaymentQuery, location="query")
    @blp.response(200, s.PaymentOut(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        query = where_equal(visible(Payment, current_user), Payment, args, ("bill_id",))
        return paginate(query.options(selectinload(Payment.bill)).order_by(Payment.id.desc()), pagination_parameters)

    @blp.arguments(s.PaymentIn)
    @blp.response(201, s.PaymentOut)
    @blp.alt_response(400, description="no Idempotency-Key header")
    @blp.alt_response(409, description="the Idempotency-Key was used with a different body")
    @blp.alt_response(422, description="more than the outstanding amount, or an invalid field")
    @blp.doc(
        parameters=[
            {
                "in": "header",
                "name": KEY_HEADER,
                "required": True,
                "schema": {"type": "string"},
                "description": "a new random key (UUID) per payment; the same key on a retry returns "
                "the first result instead of paying twice",
            }
        ]
    )
    def post(self, data):
        """Record a payment; a retry with the same Idempotency-Key returns the first result"""
        result = payments.record_payment(
            current_user,
            bill_id=data["bill_id"],
            amount_fen=data["amount"],
            method=data["method"],
            paid_at=data["paid_at"],
            key=request.headers.get(KEY_HEADER),
        )
        db.session.commit()
        return result.payment, 201, {"Idempotent-Replayed": "true" if result.replayed else "false"}


@blp.route("/households/<int:household_id>/payments")
class HouseholdPayments(MethodView):
    decorators = [object_in_scope(Household, "household_id")]

    @blp.arguments(s.HouseholdPaymentIn)
    @blp.response(201, s.HouseholdPaymentOut)
    @blp.alt_response(400, description="no Idempotency-Key header")
    @blp.alt_response(
        409,
        description="the Idempotency-Key was used with a different body, or the bills named "
        "no longer owe `expected_total` (someone paid meanwhile)",
    )
    @blp.alt_response(
        422, description="more than the household owes, a bill named that it does not owe, or an invalid field"
    )
    @blp.doc(parameters=[{"in": "header", "name": KEY_HEADER, "required": True, "schema": {"type": "string"}}])
    def post(self, data, household_id):
        """Record one sum for a household, spread over its unsettled bills (or the ones named) oldest
        period first, and issue its receipt (收据)"""
        collected = desk.collect(
            current_user,
            household_id,
            amount_fen=data["amount"],
            method=data["method"],
            paid_at=data["paid_at"],
            key=request.headers.get(KEY_HEADER),
            bill_ids=data["bill_ids"],
            expected_fen=data["expected_total"],
            payer_name=data["payer_name"],
        )
        db.session.commit()
        return collected, 201, {"Idempotent-Replayed": "true" if collected.replayed else "false"}


@blp.route("/payments/<int:payment_id>")
class PaymentItem(MethodView):
    decorators = [object_in_scope(Payment, "payment_id")]

    @blp.response(200, s.PaymentOut)
    def get(self, payment_id):
        return get_visible(Payment, payment_id, current_user)


@blp.route("/payments/<int:payment_id>/reversal")
class Reversal(MethodView):
    decorators = [object_in_scope(Payment, "payment_id")]

    @blp.arguments(s.ReversalIn)
    @blp.response(201, s.PaymentOut)
    @blp.alt_response(409, description="already reversed, or the row is itself a reversal")
    def post(self, data, payment_id):
        """Reverse a payment made by mistake: a row with the opposite amount; nothing is deleted"""
        reversal = payments.reverse_payment(
            current_user, get_visible(Payment, payment_id, current_user), data["reason"]
        )
        db.session.commit()
        return reversal


@blp.route("/collection-rates")
class CollectionRates(MethodView):
    @blp.arguments(s.RateQuery, location="query")
    @blp.response(200, s.RateOut(many=True))
    def get(self, args):
        """Both collection rates per period for a compound, street, firm or the city"""
        return rates.collection_rates(
            current_user, args["scope"], args["id"], args["period_from"], args["period_to"], args["as_of"]
        )


@blp.route("/collection-rates/compounds")
class CompoundRates(MethodView):
    @blp.arguments(s.CompoundRateQuery, location="query")
    @blp.response(200, s.CompoundRateOut(many=True))
    def get(self, args):
        """The compounds of a scope ranked by amount rate over the period range, lowest first"""
        from pm_app.fees.reports.overview import ranked_compounds

        return ranked_compounds(
            current_user, args["scope"], args["id"], args["period_from"], args["period_to"], args["as_of"]
        )


@blp.route("/arrears")
class ArrearsList(MethodView):
    @blp.arguments(s.ArrearsQuery, location="query")
    @blp.response(200, s.ArrearsOut)
    def get(self, args):
        """Households of a compound owing for `min_periods` or more overdue periods"""
        compound = get_visible(Compound, args["compound_id"], current_user)
        return arrears.compound_arrears(current_user, compound.id, args["min_periods"], today())
