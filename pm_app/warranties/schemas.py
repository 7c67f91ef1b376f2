"""Input and output schemas of the works and warranties API. Money is a decimal string of yuan;
dates are YYYY-MM-DD; inputs refuse unknown fields."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from pm_app.common.fields import Day, DecimalString, Money
from pm_app.org.models import RenovationType
from pm_app.warranties.import_columns import MAX_QUANTITY
from pm_app.warranties.models import ClaimState, DepositState, DepositTerms, FundingSource

CATEGORY_CODE = validate.Regexp(r"^[a-z][a-z0-9_]{1,31}$", error="2–32 lower-case letters, digits or '_'")


class CategoryIn(Schema):
    code = fields.Str(required=True, validate=CATEGORY_CODE)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    min_years = fields.Int(required=True, validate=validate.Range(min=1, max=50))
    source = fields.Str(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "the rule the minimum comes from, quoted in refusals"},
    )
    term_unit = fields.Str(
        load_default="year",
        validate=validate.OneOf(("year", "heating_season")),
        metadata={"description": "what min_years counts: year, or heating_season (warranties.terms)"},
    )


class CategoryOut(Schema):
    id = fields.Int()
    code = fields.Str()
    name = fields.Str()
    min_years = fields.Int(metadata={"description": "the minimum, counted in term_unit"})
    source = fields.Str()
    term_unit = fields.Str(metadata={"description": "year, or heating_season (条例 art. 40: 2个采暖期)"})


class ProjectIn(Schema):
    compound_id = fields.Int(required=True)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=128))
    year = fields.Int(required=True, validate=validate.Range(min=1990, max=2100))
    renovation_type = fields.Enum(RenovationType, by_value=True, allow_none=True)
    contractor_id = fields.Int(required=True)
    supervisor_id = fields.Int(allow_none=True)
    contract_amount = Money(allow_none=True, attribute="contract_amount_fen")
    acceptance_date = fields.Date(required=True)
    quality_deposit = Money(load_default=0, attribute="deposit_fen")
    deposit_release_date = fields.Date(allow_none=True)
    funding = fields.Dict(
        keys=fields.Enum(FundingSource, by_value=True),
        values=Money(),
        metadata={
            "description": "amount by source: central, provincial, city, district, "
            "residents, utility, social_capital, special_bonds (专项债), "
            "original_owner (原产权单位)"
        },
    )
    # Issue 26 (deposit_rules.py, funding.py)
    deposit_terms = fields.Enum(
        DepositTerms,
        by_value=True,
        allow_none=True,
        metadata={
            "description": "what the contract says of the deposit: retention and bank_guarantee need one "
            "(not 0, at most 3% of the settlement), insurance allows none"
        },
    )
    settlement_amount = Money(
        allow_none=True,
        attribute="settlement_amount_fen",
        metadata={"description": "工程价款结算总额; the deposit cap's base once recorded"},
    )
    planned_start = Day(allow_none=True)
    planned_completion = Day(
        allow_none=True, metadata={"description": "the late-completion share compares the acceptance date with it"}
    )
    arrangement_override_reason = fields.Str(
        allow_none=True,
        validate=validate.Length(max=1000),
        metadata={
            "description": "the regulator only: why the project may go ahead although the compound has no "
            "management arrangement decided (seed 004 §九(五) defers it otherwise)"
        },
    )


class ProjectPatch(ProjectIn):
    class Meta:
        exclude = ("compound_id", "arrangement_override_reason")


class FundingOut(Schema):
    source = fields.Enum(FundingSource, by_value=True)
    amount = Money(attribute="amount_fen")


class ProjectOut(Schema):
    id = fields.Int()
    compound_id = fields.Int()
    name = fields.Str()
    year = fields.Int()
    renovation_type = fields.Enum(RenovationType, by_value=True, allow_none=True)
    contractor_id = fields.Int()
    supervisor_id = fields.Int(allow_none=True)
    contract_amount = Money(attribute="contract_amount_fen", allow_none=True)
    acceptance_date = fields.Date()
    quality_deposit = Money(attribute="deposit_fen")
    deposit_release_date = fields.Date(allow_none=True)
    deposit_state = fields.Enum(DepositState, by_value=True)
    deposit_returned = Money(attribute="deposit_returned_fen")
    deposit_forfeited = Money(attribute="deposit_forfeited_fen")
    funding = fields.List(fields.Nested(FundingOut))
    deposit_terms = fields.Enum(DepositTerms, by_value=True, allow_none=True)
    settlement_amount = Money(attribute="settlement_amount_fen", allow_none=True)
    planned_start = fields.Date(allow_none=True)
    planned_completion = fields.Date(allow_none=True)
    arrangement_override_reason = fields.Str(allow_none=True)
    arrangement_decided = fields.Bool(
        metadata={"description": "whether the compound has a management arrangement decided today (seed 004 §九(五))"}
    )


class ItemIn(Schema):
    category = fields.Str(required=True)
    description = fields.Str(required=True, validate=validate.Length(min=1, max=256))
    quantity = DecimalString(places=2, allow_none=True, validate=validate.Range(min=0, max=MAX_QUANTITY))
    unit = fields.Str(allow_none=True, validate=validate.Length(max=16))
    location = fields.Str(allow_none=True, validate=validate.Length(max=128))
    warranty_years = fields.Int(
        allow_none=True,
        validate=validate.Range(min=1, max=50),
        metadata={"description": "defaults to the category minimum; never below it"},
    )
    warranty_start = fields.Date(allow_none=True, metadata={"description": "defaults to the project's acceptance"})


class ItemOut(Schema):
    id = fields.Int()
    project_id = fields.Int()
    compound_id = fields.Int()
    category = fields.Function(lambda item: item.category.code)
    description = fields.Str()
    quantity = DecimalString(places=2, allow_none=True)
    unit = fields.Str(allow_none=True)
    location = fields.Str(allow_none=True)
    warranty_years = fields.Int()
    warranty_start = fields.Date()
    warranty_end = fields.Date()
    state = fields.Str(metadata={"description": "active / expiring (ends within 180 days) / expired, as of as_of"})
    days_left = fields.Int()


class ItemQuery(Schema):
    expiring_within_days = fields.Int(validate=validate.Range(min=0, max=3650))
    as_of = fields.Date()
    compound_id = fields.Int()
    project_id = fields.Int()
    category = fields.Str()
    state = fields.Str(validate=validate.OneOf(("active", "expiring", "expired")))


class FindingIn(Schema):
    description = fields.Str(required=True, validate=validate.Length(min=1, max=2000))
    warranty_item_id = fields.Int(allow_none=True)


class InspectionIn(Schema):
    compound_id = fields.Int(required=True)
    project_id = fields.Int(allow_none=True)
    inspected_on = fields.Date(required=True)
    participants = fields.Str(
        required=True,
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "who took part: street office, firm, contractor, residents"},
    )
    score = fields.Int(required=True, validate=validate.Range(min=0, max=100))
    summary = fields.Str(allow_none=True, validate=validate.Length(max=4000))
    findings = fields.List(fields.Nested(FindingIn), load_default=list)


class FindingOut(Schema):
    id = fields.Int()
    description = fields.Str()
    warranty_item_id = fields.Int(allow_none=True)
    in_warranty = fields.Bool()


class InspectionOut(Schema):
    id = fields.Int()
    compound_id = fields.Int()
    project_id = fields.Int(allow_none=True)
    inspected_on = fields.Date()
    participants = fields.Str()
    score = fields.Int()
    summary = fields.Str(allow_none=True)
    findings = fields.List(fields.Nested(FindingOut))


class ClaimOut(Schema):
    id = fields.Int()
    warranty_item_id = fields.Int()
    project_id = fields.Int()
    finding_id = fields.Int(allow_none=True)
    ticket_id = fields.Int(allow_none=True)
    description = fields.Str()
    state = fields.Enum(ClaimState, by_value=True)
    opened_at = fields.AwareDateTime()
    closed_at = fields.AwareDateTime(allow_none=True)
    closing_note = fields.Str(allow_none=True)


class ClaimQuery(Schema):
    project_id = fields.Int()
    state = fields.Enum(ClaimState, by_value=True)


class ClaimClose(Schema):
    note = fields.Str(required=True, validate=validate.Length(min=1, max=2000))


class DepositIn(Schema):
    amount = Money(positive=True, load_default=None, metadata={"description": "all that is left if omitted"})
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=2000))


class DepositOut(Schema):
    id = fields.Int()
    project_id = fields.Int()
    kind = fields.Str()
    amount = Money(attribute="amount_fen")
    reason = fields.Str()
    decided_by_id = fields.Int(allow_none=True)
    decided_at = fields.AwareDateTime()
