"""Schemas of the renovation money API (issue 26): payments made on a project and the report."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from pm_app.common.fields import Day, Line, Money
from pm_app.common.strict_query import StrictQuery
from pm_app.warranties.models import FundingSource


class DisbursementIn(Schema):
    paid_on = Day(required=True, metadata={"description": "not in the future"})
    amount = Money(
        required=True,
        positive=True,
        attribute="amount_fen",
        metadata={"description": "yuan; at most what is left of the source's funding"},
    )
    source = fields.Enum(
        FundingSource, by_value=True, required=True, metadata={"description": "one of the project's funding sources"}
    )
    note = Line(allow_none=True, validate=validate.Length(max=200))


class DisbursementOut(Schema):
    id = fields.Int()
    project_id = fields.Int()
    paid_on = fields.Date()
    amount = Money(attribute="amount_fen")
    source = fields.Enum(FundingSource, by_value=True)
    note = fields.Str(allow_none=True)
    recorded_by_id = fields.Int(allow_none=True)
    created_at = fields.AwareDateTime()


class RenovationReportQuery(StrictQuery):
    """The report's place and years; an unknown name is a 422."""

    year = fields.Int(
        validate=validate.Range(min=1990, max=2100),
        metadata={"description": "one plan year (the projects' `year`); or year_from/year_to"},
    )
    year_from = fields.Int(validate=validate.Range(min=1990, max=2100))
    year_to = fields.Int(validate=validate.Range(min=1990, max=2100))
    district_id = fields.Int(validate=validate.Range(min=1))
    as_of = Day(metadata={"description": "payments made up to this day and completion judged on it; today by default"})

    @validates_schema
    def _years(self, data, **kwargs):
        if "year" in data and ({"year_from", "year_to"} & data.keys()):
            raise ValidationError("give year, or year_from/year_to, not both", "year")
        if data.get("year_from") and data.get("year_to") and data["year_from"] > data["year_to"]:
            raise ValidationError("is after year_to", "year_from")


class SourceShareOut(Schema):
    amount = fields.Str()
    share = fields.Str(metadata={"description": 'of the total funding, four places: "0.3795"'})


class FundingSharesOut(Schema):
    total = fields.Str()
    superior_share = fields.Str(metadata={"description": "central + provincial (上级补助), four places"})
    by_source = fields.Dict(keys=fields.Str(), values=fields.Nested(SourceShareOut))


class LateCompletionOut(Schema):
    with_planned_date = fields.Int(metadata={"description": "the base: projects with a planned completion"})
    completed = fields.Int()
    late = fields.Int(metadata={"description": "completed_late + overdue_not_completed"})
    completed_late = fields.Int(metadata={"description": "accepted after the planned completion"})
    overdue_not_completed = fields.Int(metadata={"description": "not accepted by as_of, planned completion passed"})
    late_share = fields.Str(metadata={"description": 'late ÷ with_planned_date, four places: "0.6508"'})


class SourceProgressOut(Schema):
    funded = fields.Str()
    paid = fields.Str()
    progress = fields.Str()


class PaymentProgressOut(Schema):
    total_investment = fields.Str()
    paid = fields.Str()
    progress = fields.Str(metadata={"description": 'paid ÷ total_investment, four places: "0.4420"'})
    by_source = fields.Dict(keys=fields.Str(), values=fields.Nested(SourceProgressOut))


class RenovationFigures(Schema):
    projects = fields.Int()
    funding = fields.Nested(FundingSharesOut)
    completion = fields.Nested(LateCompletionOut)
    payments = fields.Nested(PaymentProgressOut)


class DistrictRenovationFigures(RenovationFigures):
    district_id = fields.Int()
    name = fields.Str()


class RenovationReportOut(RenovationFigures):
    as_of = fields.Str()
    year_from = fields.Int(allow_none=True)
    year_to = fields.Int(allow_none=True)
    district_id = fields.Int(allow_none=True)
    by_district = fields.List(fields.Nested(DistrictRenovationFigures))
