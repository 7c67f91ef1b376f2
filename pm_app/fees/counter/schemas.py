"""Schemas of the fee counter's API: the household search, receipts and the day's cash-up."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from pm_app.common.fields import Day, Line, Money
from pm_app.fees.models import PaymentMethod


class HouseholdSearchQuery(Schema):
    q = Line(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={
            "description": "building and unit (3-2-301, 3号楼2单元301, 3栋301), an owner's name, or "
            "the last four digits of the owner's phone"
        },
    )
    compound_id = fields.Int(load_default=None)


class HouseholdFoundOut(Schema):
    id = fields.Int()
    compound_id = fields.Int()
    compound = fields.Str()
    building = fields.Str()
    unit = fields.Str()
    owner_name = fields.Str(allow_none=True, metadata={"description": "masked for roles that may not read it"})
    arrears = Money(metadata={"description": "what its unsettled bills still owe"})
    unpaid_periods = fields.Int(metadata={"description": "months not settled"})


class ReceiptBriefOut(Schema):
    id = fields.Int()
    number = fields.Str(metadata={"example": "2026-000123"})
    total = Money(attribute="amount_fen")
    periods = fields.List(fields.Str())
    method = fields.Enum(PaymentMethod, by_value=True)
    voided = fields.Bool()


class ReceiptLineOut(Schema):
    period = fields.Str()
    amount = Money(attribute="amount_fen")
    payment_id = fields.Int()


class ReceiptOut(ReceiptBriefOut):
    total_in_words = fields.Str(metadata={"description": "the total in Chinese capitals (大写)"})
    lines = fields.List(fields.Nested(ReceiptLineOut))
    household_id = fields.Int()
    compound_id = fields.Int()
    compound = fields.Str()
    building = fields.Str()
    unit = fields.Str()
    payer_name = fields.Str(allow_none=True)
    cashier_id = fields.Int(allow_none=True)
    cashier = fields.Str(allow_none=True)
    issued_at = fields.AwareDateTime()
    voided_at = fields.AwareDateTime(allow_none=True)
    void_reason = fields.Str(allow_none=True)


class CashUpQuery(Schema):
    date = Day(load_default=None, metadata={"description": "the day (Asia/Shanghai); today if left out"})
    cashier_id = fields.Int(load_default=None, metadata={"description": "the cashier; the caller if left out"})


class CashUpRowOut(Schema):
    id = fields.Int()
    number = fields.Str()
    issued_at = fields.AwareDateTime()
    compound = fields.Str()
    building = fields.Str()
    unit = fields.Str()
    periods = fields.List(fields.Str())
    total = Money()
    method = fields.Enum(PaymentMethod, by_value=True)
    voided = fields.Bool(metadata={"description": "void by the end of the cash-up's day"})
    voided_at = fields.AwareDateTime(allow_none=True, metadata={"description": "when it was voided, if ever"})


class CashUpOut(Schema):
    date = fields.Date()
    cashier_id = fields.Int()
    cashier = fields.Str(allow_none=True)
    receipts = fields.List(fields.Nested(CashUpRowOut), metadata={"description": "every receipt issued that day"})
    voided = fields.List(
        fields.Nested(CashUpRowOut),
        metadata={
            "description": "those of them voided the same day (a later void leaves a past day's cash-up as it was)"
        },
    )
    refunds = fields.List(
        fields.Nested(CashUpRowOut),
        metadata={
            "description": "the cashier's receipts of earlier days voided this day: money paid back out of the till"
        },
    )
    count = fields.Int(metadata={"description": "receipts that stand (not void)"})
    total = Money(metadata={"description": "what the receipts that stand add up to, less the refunds"})
    totals_by_method = fields.Dict(keys=fields.Str(), values=Money())
