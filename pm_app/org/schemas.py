"""Input and output schemas of the organisation API. Inputs refuse unknown fields, so a body
cannot set what the caller may not (ids of other objects, roles, derived fields)."""

from __future__ import annotations

from flask import g
from flask_login import current_user
from marshmallow import Schema, fields, post_dump, validate

from pm_app.common.fields import Area, Line, Money, Token
from pm_app.common.privacy import mask_name, mask_phone
from pm_app.org.import_columns import MAX_AREA_M2
from pm_app.org.models import FirmKind, ManagementMode, RenovationType

CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9-]{2,31}"  # ASCII, whole text: common.fields.Token
CODE_MESSAGE = "3–32 letters, digits or '-'"
NAME = validate.Length(min=1, max=128)
# fee_rate_fen is a PostgreSQL integer, and billing multiplies it by a household's area: at most
# 1,000 yuan per m² a month times MAX_AREA_M2 keeps every bill far inside BIGINT (and SQLite's
# integers, which silently turn into REAL past 2**63).
MAX_FEE_RATE_FEN = 100_000


def _enum_field(enum, **kw):
    return fields.Enum(enum, by_value=True, **kw)


class IdOut(Schema):
    id = fields.Int()


class DistrictIn(Schema):
    name = Line(required=True, validate=validate.Length(min=1, max=64))
    # Required when the deployment has several cities (a province); else its one city.
    city_id = fields.Int(load_default=None)


class DistrictOut(IdOut):
    name = fields.Str()
    city_id = fields.Int()


class StreetIn(Schema):
    name = Line(required=True, validate=validate.Length(min=1, max=64))
    district_id = fields.Int(required=True)


class StreetOut(IdOut):
    name = fields.Str()
    district_id = fields.Int()


class CommunityIn(Schema):
    name = Line(required=True, validate=validate.Length(min=1, max=64))
    street_id = fields.Int(required=True)


class CommunityOut(IdOut):
    name = fields.Str()
    street_id = fields.Int()


class CompoundIn(Schema):
    code = Token(CODE_PATTERN, CODE_MESSAGE, required=True)
    name = Line(required=True, validate=NAME)
    street_id = fields.Int(required=True)
    community_id = fields.Int(allow_none=True)
    address = Line(allow_none=True, validate=validate.Length(max=256))
    year_built = fields.Int(allow_none=True, validate=validate.Range(min=1900, max=2100))
    renovation_type = _enum_field(RenovationType, allow_none=True)
    acceptance_date = fields.Date(allow_none=True)
    management_mode = _enum_field(ManagementMode, required=True)


class CompoundPatch(CompoundIn):
    """Loaded with partial=True: only the fields sent change."""


class CompoundQuery(Schema):
    street_id = fields.Int()
    management_mode = _enum_field(ManagementMode)
    renovation_type = _enum_field(RenovationType)
    q = fields.Str(metadata={"description": "search in code, name and address"})


class CompoundOut(IdOut):
    code = fields.Str()
    name = fields.Str()
    street_id = fields.Int()
    street = fields.Str(attribute="street.name")
    community_id = fields.Int(allow_none=True)
    address = fields.Str(allow_none=True)
    year_built = fields.Int(allow_none=True)
    renovation_type = _enum_field(RenovationType, allow_none=True)
    acceptance_date = fields.Date(allow_none=True)
    management_mode = _enum_field(ManagementMode)


class HouseholdIn(Schema):
    building = Line(required=True, validate=validate.Length(min=1, max=32))
    unit = Line(required=True, validate=validate.Length(min=1, max=32))
    floor_area_dm2 = Area(required=True, positive=True, max_units=MAX_AREA_M2 * 100, data_key="floor_area_m2")
    owner_name = Line(allow_none=True, validate=validate.Length(max=64))
    owner_phone = Line(allow_none=True, validate=validate.Regexp(r"[0-9+\- ]{3,32}\Z", error="not a phone number"))


class HouseholdOut(IdOut):
    compound_id = fields.Int()
    building = fields.Str(attribute="building.name")
    unit = fields.Str()
    floor_area_m2 = Area(attribute="floor_area_dm2")
    owner_name = fields.Str(allow_none=True)
    owner_phone = fields.Str(allow_none=True)

    @post_dump
    def mask(self, data, **kwargs):
        from pm_app.org.services import sees_personal_data

        # Role-shaped output: decided once per compound per request.
        cache = g.setdefault("_personal_data", {})
        cid = data["compound_id"]
        if cid not in cache:
            cache[cid] = sees_personal_data(current_user, cid)
        if not cache[cid]:
            data["owner_name"] = mask_name(data.get("owner_name"))
            data["owner_phone"] = mask_phone(data.get("owner_phone"))
        return data


class FirmIn(Schema):
    kind = _enum_field(FirmKind, required=True)
    name = Line(required=True, validate=NAME)
    uscc = fields.Str(required=True, metadata={"description": "统一社会信用代码, GB 32100-2015"})


class FirmOut(IdOut):
    kind = _enum_field(FirmKind)
    name = fields.Str()
    uscc = fields.Str()


class FirmQuery(Schema):
    kind = _enum_field(FirmKind)
    q = fields.Str()


class ContractIn(Schema):
    compound_id = fields.Int(required=True)
    # Who collects: exactly one of the three (org.services checks it and names the field).
    firm_id = fields.Int(metadata={"description": "a property firm"})
    committee_id = fields.Int(
        metadata={"description": "instead of firm_id: the compound's self-management committee (自管会)"}
    )
    street_id = fields.Int(metadata={"description": "instead of firm_id: the compound's street office (托管)"})
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    fee_rate_fen = Money(
        required=True,
        data_key="fee_rate",
        max_units=MAX_FEE_RATE_FEN,
        metadata={"description": 'yuan per m² per month, e.g. "0.85"'},
    )
    billing_cycle = fields.Str(validate=validate.OneOf(["monthly", "quarterly", "yearly"]))


class ContractPatch(Schema):
    end = fields.Date(required=True)


class ContractQuery(Schema):
    compound_id = fields.Int()
    firm_id = fields.Int()
    committee_id = fields.Int()
    street_id = fields.Int()


class ContractOut(IdOut):
    compound_id = fields.Int()
    # Exactly one of the three is set: who collects (org.parties).
    firm_id = fields.Int(allow_none=True)
    firm = fields.Str(attribute="firm.name", allow_none=True)
    committee_id = fields.Int(allow_none=True)
    street_id = fields.Int(allow_none=True)
    start = fields.Date(attribute="start_date")
    end = fields.Date(attribute="end_date")
    fee_rate = Money(attribute="fee_rate_fen")
    billing_cycle = fields.Str()
    active = fields.Method("_active")

    def _active(self, contract) -> bool:
        from pm_app.common.clock import today

        return contract.active_on(today())


class CompoundDetailOut(CompoundOut):
    # null for a contractor, who sees a compound's name but not its households (issue 23, #16)
    households = fields.Int(attribute="stats.households", allow_none=True)
    buildings = fields.Int(attribute="stats.buildings")
    floor_area_m2 = Area(attribute="stats.floor_area_dm2")
