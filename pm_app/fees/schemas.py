"""Input and output schemas of the fee API. Money is a decimal string of yuan ("71.60") both
ways; rates are decimal strings with four places ("0.8125"). Inputs refuse unknown fields."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from pm_app.common.clock import CITY_TZ
from pm_app.common.fields import DecimalString, Line, Money
from pm_app.fees.counter.schemas import ReceiptBriefOut
from pm_app.fees.models import BillStatus, PaymentMethod
from pm_app.fees.periods import PeriodError, parse_period
from pm_app.fees.rates import SCOPES


class Period(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_period(super()._deserialize(value, attr, data, **kwargs))
        except PeriodError as exc:
            raise ValidationError(str(exc)) from None


class GenerateIn(Schema):
    """One of compound_id (billed now: 200) or firm_id / street_id (every compound of it, as a job: 202)."""

    compound_id = fields.Int()
    firm_id = fields.Int()
    street_id = fields.Int()
    period = Period(required=True, metadata={"example": "2026-09"})

    @validates_schema
    def _one_scope(self, data, **_kwargs):
        given = [name for name in ("compound_id", "firm_id", "street_id") if data.get(name) is not None]
        if len(given) != 1:
            message = "give exactly one of compound_id, firm_id, street_id"
            raise ValidationError({name: [message] for name in (given or ["compound_id"])})


class SkippedOut(Schema):
    household_id = fields.Int()
    building = fields.Str()
    unit = fields.Str()
    reason = fields.Str()


class GenerateOut(Schema):
    compound_id = fields.Int()
    period = fields.Str()
    contract_id = fields.Int(allow_none=True)
    created = fields.Int(metadata={"description": "bills written by this call"})
    existing = fields.Int(metadata={"description": "bills of the period that were already there"})
    skipped = fields.Int(metadata={"description": "households not billed; `problems` says why (first 200)"})
    problems = fields.List(fields.Nested(SkippedOut))


class BillQuery(Schema):
    compound_id = fields.Int()
    household_id = fields.Int()
    period = Period()
    status = fields.Enum(BillStatus, by_value=True)


class BillOut(Schema):
    id = fields.Int()
    household_id = fields.Int()
    compound_id = fields.Int()
    firm_id = fields.Int(allow_none=True)
    period = fields.Str()
    fee_type = fields.Str()
    due_date = fields.Date()
    amount_due = Money(attribute="amount_due_fen")
    amount_paid = Money(attribute="paid_fen")
    amount_waived = Money(attribute="waived_fen")
    outstanding = Money(attribute="outstanding_fen")
    status = fields.Enum(BillStatus, by_value=True)


class PaymentIn(Schema):
    bill_id = fields.Int(required=True)
    amount = Money(required=True, positive=True, metadata={"example": "71.60"})
    method = fields.Enum(PaymentMethod, by_value=True, required=True)
    paid_at = fields.AwareDateTime(
        load_default=None,
        default_timezone=CITY_TZ,
        metadata={"description": "when the money was received (Asia/Shanghai if no offset is given); now if left out"},
    )


class PaymentRowOut(Schema):
    id = fields.Int()
    bill_id = fields.Int()
    amount = Money(attribute="amount_fen", metadata={"description": "negative on a reversal"})
    method = fields.Enum(PaymentMethod, by_value=True)
    paid_at = fields.AwareDateTime()
    recorded_at = fields.AwareDateTime()
    recorded_by_id = fields.Int(allow_none=True)
    reversal_of_id = fields.Int(allow_none=True)
    note = fields.Str(allow_none=True)


class PaymentOut(PaymentRowOut):
    bill = fields.Nested(BillOut, metadata={"description": "the bill as it stands now"})
    receipt = fields.Nested(
        ReceiptBriefOut,
        allow_none=True,
        metadata={"description": "the receipt (收据) this payment is printed on; null for a reversal"},
    )


class PaymentQuery(Schema):
    bill_id = fields.Int()


class ReversalIn(Schema):
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=500))


class WaiverIn(Schema):
    amount = Money(required=True, positive=True)
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=500))
    approved_by = fields.Str(
        required=True,
        validate=validate.Length(min=1, max=128),
        metadata={"description": "who approved it: a person, or e.g. a committee resolution"},
    )


class WaiverOut(Schema):
    id = fields.Int()
    bill_id = fields.Int()
    amount = Money(attribute="amount_fen")
    reason = fields.Str()
    approved_by = fields.Str()
    recorded_by_id = fields.Int(allow_none=True)
    waived_at = fields.AwareDateTime()


class BillDetailOut(BillOut):
    payments = fields.List(fields.Nested(PaymentRowOut))
    waivers = fields.List(fields.Nested(WaiverOut))


class RateQuery(Schema):
    scope = fields.Str(required=True, validate=validate.OneOf(SCOPES))
    id = fields.Int(load_default=None, metadata={"description": "the compound, street or firm; not for city"})
    period_from = Period(required=True)
    period_to = Period(required=True)
    as_of = fields.Date(
        load_default=None,
        metadata={"description": "count payments made by the end of this day (Asia/Shanghai); now if left out"},
    )

    @validates_schema
    def _consistent(self, data, **kwargs):
        if data["scope"] != "city" and data.get("id") is None:
            raise ValidationError("required for this scope", "id")
        if data["period_to"] < data["period_from"]:
            raise ValidationError("must not be before period_from", "period_to")
        if int(data["period_to"][:4]) - int(data["period_from"][:4]) > 10:
            raise ValidationError("at most ten years at a time", "period_to")


class RateOut(Schema):
    period = fields.Str()
    receivable = Money()
    received = Money()
    amount_rate = DecimalString(places=4, allow_none=True)
    households_billed = fields.Int()
    households_paid = fields.Int()
    household_rate = DecimalString(places=4, allow_none=True)


class CompoundRateQuery(RateQuery):
    pass


class CompoundRateOut(RateOut):
    class Meta:
        exclude = ("period",)

    compound_id = fields.Int()
    code = fields.Str()
    name = fields.Str()
    street_id = fields.Int()
    below_threshold = fields.Bool()


class ArrearsQuery(Schema):
    compound_id = fields.Int(required=True)
    min_periods = fields.Int(load_default=3, validate=validate.Range(min=1, max=120))


class ArrearsRowOut(Schema):
    household_id = fields.Int()
    building = fields.Str()
    unit = fields.Str()
    owner_name = fields.Str(allow_none=True)
    owner_phone = fields.Str(allow_none=True)
    periods = fields.Int(metadata={"description": "overdue periods not settled"})
    first_period = fields.Str()
    last_period = fields.Str()
    outstanding = Money()


class ArrearsOut(Schema):
    compound_id = fields.Int()
    min_periods = fields.Int()
    as_of = fields.Date()
    households = fields.Int()
    periods = fields.Int()
    outstanding = Money()
    rows = fields.List(fields.Nested(ArrearsRowOut))


class HouseholdPaymentIn(Schema):
    amount = Money(required=True, positive=True, metadata={"example": "430.00"})
    method = fields.Enum(PaymentMethod, by_value=True, required=True)
    paid_at = fields.AwareDateTime(load_default=None, default_timezone=CITY_TZ)
    bill_ids = fields.List(
        fields.Int(),
        load_default=None,
        validate=validate.Length(min=1, max=120),
        metadata={
            "description": "only these bills (the months chosen); all unsettled ones if left "
            "out. Each must still be owed (422)"
        },
    )
    expected_total = Money(
        load_default=None,
        metadata={"description": "what the caller was shown these bills owe; 409 if that is no longer so"},
    )
    payer_name = Line(
        load_default=None,
        validate=validate.Length(max=64),
        metadata={"description": "who paid, printed on the receipt"},
    )


class HouseholdPaymentOut(Schema):
    household_id = fields.Int()
    amount = Money(metadata={"description": "the sum paid, spread over the bills oldest period first"})
    payments = fields.List(fields.Nested(PaymentOut))
    receipt = fields.Nested(ReceiptBriefOut, metadata={"description": "the receipt (收据) of this payment"})
