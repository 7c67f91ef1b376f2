"""Input and output schemas of the rankings API. Scores and points are decimal strings
("61.34"); indicator values keep the four places they were computed with."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from pm_app.common.fields import DecimalString
from pm_app.rankings.models import AdjustmentKind, AppealState, PeriodState
from pm_app.rankings.public import veto_reasons

Points = DecimalString(places=2)
# A firm not rated this period (too few households, veto) has no score parts: null.
ScorePart = DecimalString(places=2, allow_none=True)


def _points(**kwargs):
    return DecimalString(places=2, validate=validate.Range(min=0.01, max=100), **kwargs)


class PeriodIn(Schema):
    period = fields.Str(required=True, metadata={"description": "a quarter 2026Q3 or a year 2026"})


class PeriodQuery(Schema):
    state = fields.Enum(PeriodState, by_value=True)


class PeriodOut(Schema):
    id = fields.Int()
    code = fields.Str(data_key="period")
    revision = fields.Int()
    corrects_id = fields.Int(allow_none=True)
    starts_on = fields.Date()
    ends_on = fields.Date()
    state = fields.Enum(PeriodState, by_value=True)
    scheme_version = fields.Function(lambda p: p.scheme.version)
    computed_at = fields.AwareDateTime(allow_none=True)
    review_opened_on = fields.Date(allow_none=True)
    appeal_deadline = fields.Date(allow_none=True)
    published_at = fields.AwareDateTime(allow_none=True)


class ResultOut(Schema):
    firm_id = fields.Int()
    firm_name = fields.Str(data_key="firm")
    households = fields.Int()
    compounds = fields.Int()
    rated = fields.Bool()
    not_rated_reason = fields.Str(allow_none=True)
    indicators = fields.Dict()
    base_score = ScorePart
    awards = ScorePart
    deductions = ScorePart
    score = ScorePart
    grade = fields.Str(allow_none=True)
    list_name = fields.Str(allow_none=True, data_key="list")
    veto = fields.Bool()
    rank = fields.Int(allow_none=True)


class PeriodDetailOut(PeriodOut):
    results = fields.List(fields.Nested(ResultOut))


class AdjustmentIn(Schema):
    period_id = fields.Int(required=True)
    firm_id = fields.Int(required=True)
    kind = fields.Enum(AdjustmentKind, by_value=True, load_default=AdjustmentKind.deduction)
    points = _points(required=True)
    reason = fields.Str(required=True, validate=validate.Length(min=2, max=2000))
    veto = fields.Bool(load_default=False, metadata={"description": "一票否决: forces the black list"})
    evidence = fields.Str(
        allow_none=True,
        validate=validate.Length(max=256),
        metadata={"description": "a document reference (文号) or link"},
    )
    ticket_id = fields.Int(allow_none=True)
    inspection_id = fields.Int(allow_none=True)
    occurred_on = fields.Date(allow_none=True)
    rectify_by = fields.Date(allow_none=True)


class AdjustmentQuery(Schema):
    period_id = fields.Int()
    firm_id = fields.Int()


class AppealOut(Schema):
    id = fields.Int()
    adjustment_id = fields.Int(data_key="deduction_id")
    firm_id = fields.Int()
    period_id = fields.Int()
    grounds = fields.Str()
    state = fields.Enum(AppealState, by_value=True)
    filed_at = fields.AwareDateTime()
    decision_reason = fields.Str(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)


class AdjustmentOut(Schema):
    id = fields.Int()
    period_id = fields.Int()
    firm_id = fields.Int()
    kind = fields.Enum(AdjustmentKind, by_value=True)
    points = Points
    reason = fields.Str()
    veto = fields.Bool()
    void = fields.Bool()
    ticket_id = fields.Int(allow_none=True)
    inspection_id = fields.Int(allow_none=True)
    document = fields.Str(allow_none=True, data_key="evidence")
    occurred_on = fields.Date()
    rectify_by = fields.Date(allow_none=True)
    appeal = fields.Nested(AppealOut, allow_none=True)


class AppealIn(Schema):
    deduction_id = fields.Int(required=True)
    grounds = fields.Str(required=True, validate=validate.Length(min=2, max=4000))


class AppealQuery(Schema):
    period_id = fields.Int()
    state = fields.Enum(AppealState, by_value=True)


class DecisionIn(Schema):
    accept = fields.Bool(required=True)
    reason = fields.Str(allow_none=True, validate=validate.Length(max=4000))


class IndicatorRule(Schema):
    weight = fields.Str(required=True)
    floor = fields.Str(required=True)
    target = fields.Str(required=True)


class Band(Schema):
    grade = fields.Str(required=True)
    min = fields.Str(required=True)
    list = fields.Str(allow_none=True)


class SchemeIn(Schema):
    indicators = fields.Dict(keys=fields.Str(), values=fields.Nested(IndicatorRule))
    bands = fields.List(fields.Nested(Band))
    award_cap = DecimalString(validate=validate.Range(min=0, max=100))
    appeal_days = fields.Int(validate=validate.Range(min=0, max=90))
    min_households = fields.Int(validate=validate.Range(min=0, max=100_000))
    note = fields.Str(allow_none=True, validate=validate.Length(max=2000))


class SchemeOut(Schema):
    id = fields.Int()
    version = fields.Int()
    indicators = fields.Dict()
    bands = fields.List(fields.Dict())
    award_cap = DecimalString()
    appeal_days = fields.Int()
    min_households = fields.Int()
    note = fields.Str(allow_none=True)
    created_at = fields.AwareDateTime()


class PublicQuery(Schema):
    period = fields.Str(metadata={"description": "2026Q3 or 2026; the latest publication when left out"})


class PublicFirm(Schema):
    firm_id = fields.Int()
    not_rated_reason = fields.Str(allow_none=True)
    veto_reasons = fields.Method(
        "_veto_reasons",
        metadata={"description": "why a veto (一票否决) black-listed the firm, rated or not; empty without one"},
    )
    firm_name = fields.Str(data_key="firm")
    score = ScorePart
    grade = fields.Str(allow_none=True)
    list_name = fields.Str(allow_none=True, data_key="list")
    veto = fields.Bool()
    rank = fields.Int(allow_none=True)
    rated = fields.Bool()
    base_score = ScorePart
    awards = ScorePart
    deductions = ScorePart
    indicators = fields.Dict()

    def _veto_reasons(self, result):
        return veto_reasons(result) if result.veto else []


class PublicRankingsOut(Schema):
    period = fields.Str()
    revision = fields.Int()
    published_at = fields.AwareDateTime()
    corrects_published_at = fields.AwareDateTime(allow_none=True)
    scheme = fields.Dict()
    red = fields.List(fields.Nested(PublicFirm))
    black = fields.List(fields.Nested(PublicFirm))
    firms = fields.List(fields.Nested(PublicFirm))
    periods = fields.List(fields.Str())


class PublicHistoryRow(Schema):
    period = fields.Str()
    score = Points
    grade = fields.Str(allow_none=True)
    list = fields.Str(allow_none=True)
    rank = fields.Int(allow_none=True)
    rated = fields.Bool()


class PublicHistoryOut(Schema):
    firm_id = fields.Int()
    firm = fields.Str()
    history = fields.List(fields.Nested(PublicHistoryRow))
