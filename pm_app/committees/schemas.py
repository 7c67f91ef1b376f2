"""Input and output schemas of the committees and accounts API. Members' phones are masked for
roles that do not register committees (see `MemberOut`)."""

from __future__ import annotations

from flask_login import current_user
from marshmallow import Schema, fields, post_dump, validate

from pm_app.committees.coverage import BASES
from pm_app.committees.fund import drawn_against, failed_threshold
from pm_app.committees.majorities import HALF, MAJORITY, THREE_QUARTERS
from pm_app.committees.models import Account, CommitteeKind, Direction, FundMatter, MemberRole
from pm_app.committees.services import filing_due, sees_member_contacts
from pm_app.common.fields import Area, Money
from pm_app.common.money import fen_to_yuan
from pm_app.common.privacy import mask_phone

MONTH = validate.Regexp(r"(20[0-9][0-9])-(0[1-9]|1[0-2])\Z", error="must be a month written YYYY-MM, e.g. 2026-09")


class MemberIn(Schema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    role = fields.Enum(MemberRole, by_value=True, load_default=MemberRole.member)
    phone = fields.Str(allow_none=True, validate=validate.Regexp(r"^[0-9+\- ]{5,20}$"))


class CommitteeIn(Schema):
    compound_id = fields.Int(required=True)
    kind = fields.Enum(CommitteeKind, by_value=True, required=True)
    elected_on = fields.Date(required=True)
    term_years = fields.Int(required=True, validate=validate.Range(min=1, max=5, error="A term is 1 to 5 years."))
    filed_on = fields.Date(allow_none=True)
    members = fields.List(fields.Nested(MemberIn), required=True)


class CommitteeQuery(Schema):
    compound_id = fields.Int()


class FilingIn(Schema):
    filed_on = fields.Date(required=True)


class MemberOut(Schema):
    id = fields.Int()
    name = fields.Str()
    role = fields.Enum(MemberRole, by_value=True)
    phone = fields.Str(allow_none=True)

    @post_dump
    def _mask(self, data, **kwargs):
        if not sees_member_contacts(current_user):
            data["phone"] = mask_phone(data.get("phone"))
        return data


class CommitteeOut(Schema):
    id = fields.Int()
    compound_id = fields.Int()
    kind = fields.Enum(CommitteeKind, by_value=True)
    elected_on = fields.Date()
    term_years = fields.Int()
    term_end = fields.Date()
    filed_on = fields.Date(allow_none=True)
    filing_due = fields.Method("_filing_due")
    members = fields.List(fields.Nested(MemberOut))

    def _filing_due(self, committee):
        return filing_due(committee).isoformat()


class StatusQuery(Schema):
    as_of = fields.Date()


class StatusOut(Schema):
    compound_id = fields.Int()
    as_of = fields.Date()
    status = fields.Str()
    kind = fields.Enum(CommitteeKind, by_value=True, allow_none=True)
    days_to_term_end = fields.Int(allow_none=True)
    filing_overdue = fields.Bool()
    committee = fields.Nested(CommitteeOut, allow_none=True)


class CoverageQuery(Schema):
    street_id = fields.Int()
    as_of = fields.Date()
    base = fields.Str(
        load_default="renovated",
        validate=validate.OneOf(BASES),
        metadata={
            "description": "renovated (default): compounds accepted on or before as_of, the audit's base; all: every compound"
        },
    )


class ShareOut(Schema):
    count = fields.Int()
    share = fields.Str(metadata={"description": 'of all compounds counted, four places: "0.2500"'})


class CoverageOut(Schema):
    as_of = fields.Str(metadata={"description": "YYYY-MM-DD"})
    base = fields.Str(metadata={"description": "the base the shares are of: renovated or all"})
    compounds = fields.Int(metadata={"description": "compounds counted (the base)"})
    left_out = fields.Int(metadata={"description": "compounds in scope outside the base (not renovated by as_of)"})
    by_status = fields.Dict(
        keys=fields.Str(), values=fields.Nested(ShareOut), metadata={"description": "active, expired, none, …"}
    )
    established = fields.Nested(ShareOut, metadata={"description": "compounds with a committee in office (已成立)"})
    by_kind = fields.Dict(
        keys=fields.Str(),
        values=fields.Nested(ShareOut),
        metadata={
            "description": "committees in office by kind (owners_committee, self_management, …); none: no committee "
            "in office (being prepared, expired or never had one)"
        },
    )
    preparing = fields.Dict(
        keys=fields.Str(),
        values=fields.Nested(ShareOut),
        metadata={"description": "committees being prepared, by kind (not counted in by_kind)"},
    )
    party_organisation = fields.Nested(
        ShareOut, metadata={"description": "compounds with a party organisation (党组织)"}
    )
    red_property = fields.Nested(ShareOut, metadata={"description": "compounds served as 红色物业"})


class PartyIn(Schema):
    party_organisation = fields.Bool(
        required=True,
        metadata={"description": "the compound has a party organisation (党组织: its own or a joint branch)"},
    )
    red_property = fields.Bool(required=True, metadata={"description": "the compound is served as 红色物业"})


class PartyOut(PartyIn):
    compound_id = fields.Int()
    updated_at = fields.DateTime(allow_none=True)


class BalancesOut(Schema):
    compound_id = fields.Int()
    balances = fields.Dict(
        keys=fields.Str(),
        values=fields.Str(),
        metadata={"description": 'account → yuan, in − out over all entries ("1000.00")'},
    )


class EntryIn(Schema):
    # Required unless reversal_of is given (a reversal takes them from the original): the service checks.
    account = fields.Enum(Account, by_value=True, allow_none=True)
    direction = fields.Enum(Direction, by_value=True, allow_none=True)
    amount = Money(positive=True, allow_none=True, attribute="amount_fen")
    date = fields.Date(required=True, attribute="entry_date")
    description = fields.Str(required=True, validate=validate.Length(min=1, max=500))
    counterparty = fields.Str(allow_none=True, validate=validate.Length(max=128))
    voucher_no = fields.Str(allow_none=True, validate=validate.Length(max=64))
    reversal_of = fields.Int(allow_none=True)
    fund_vote_id = fields.Int(allow_none=True)


class EntryQuery(Schema):
    account = fields.Enum(Account, by_value=True)
    month = fields.Str(validate=MONTH)


class QueryOut(Schema):
    id = fields.Int()
    entry_id = fields.Int()
    compound_id = fields.Int()
    question = fields.Str()
    raised_at = fields.AwareDateTime()
    answer = fields.Str(allow_none=True)
    answered_at = fields.AwareDateTime(allow_none=True)


class EntryOut(Schema):
    id = fields.Int()
    compound_id = fields.Int()
    seq = fields.Int()
    account = fields.Enum(Account, by_value=True)
    direction = fields.Enum(Direction, by_value=True)
    amount = Money(attribute="amount_fen")
    date = fields.Date(attribute="entry_date")
    counterparty = fields.Str(allow_none=True)
    voucher_no = fields.Str(allow_none=True)
    description = fields.Str()
    reversal_of = fields.Int(attribute="reversal_of_id", allow_none=True)
    fund_vote_id = fields.Int(allow_none=True)
    posted_by_id = fields.Int(allow_none=True)
    posted_at = fields.AwareDateTime()
    prev_hash = fields.Str()
    hash = fields.Str()


class StatementQuery(Schema):
    month = fields.Str(required=True, validate=MONTH)


class StatementLineOut(Schema):
    account = fields.Enum(Account, by_value=True)
    opening = Money()
    in_ = Money(data_key="in")
    out = Money()
    closing = Money()


class PrintedAnchorOut(Schema):
    """The chain's head printed on a statement: its last entry's seq and hash then."""

    month = fields.Str(allow_none=True, metadata={"description": "null: the anchor given to verify"})
    seq = fields.Int()
    hash = fields.Str()


class AnchorOut(PrintedAnchorOut):
    issued_at = fields.DateTime(allow_none=True)


class StatementOut(Schema):
    compound_id = fields.Int()
    month = fields.Str()
    accounts = fields.List(fields.Nested(StatementLineOut))
    anchor = fields.Nested(
        PrintedAnchorOut,
        allow_none=True,
        metadata={"description": "the ledger anchor printed on this statement (null: no entries)"},
    )
    fees_received = Money(
        metadata={
            "description": "the fee module's figure: payments dated in the month, net of the reversals dated in it"
        }
    )
    fees_difference = Money(metadata={"description": "fee income in the books (in − out) less fees_received"})
    fees_agree = fields.Bool(metadata={"description": "the books' fee income equals fees_received"})
    month_closed = fields.Bool(
        metadata={
            "description": "the month is over: its fee income has been or is due to "
            "be posted (by the first sweep of the next month)"
        }
    )


class VerifyQuery(Schema):
    """An anchor printed on a statement you hold (both or neither), to check the books against."""

    seq = fields.Str(metadata={"description": "the entry number printed as the anchor"})
    hash = fields.Str(metadata={"description": "the 64-character hash printed as the anchor"})


class VerifyOut(Schema):
    ok = fields.Bool()
    entries = fields.Int()
    first_broken_id = fields.Int(allow_none=True)
    first_broken_seq = fields.Int(allow_none=True)
    problem = fields.Str(allow_none=True)
    anchors = fields.Int(metadata={"description": "anchors printed on statements that the chain was checked against"})
    broken_anchor = fields.Nested(
        AnchorOut, allow_none=True, metadata={"description": "the first printed anchor the chain no longer matches"}
    )


class QuestionIn(Schema):
    question = fields.Str(required=True, validate=validate.Length(min=2, max=2000))


class AnswerIn(Schema):
    answer = fields.Str(required=True, validate=validate.Length(min=2, max=2000))


class QueryListQuery(Schema):
    open = fields.Bool()


class VoteIn(Schema):
    compound_id = fields.Int(required=True)
    purpose = fields.Str(required=True, validate=validate.Length(min=2, max=500))
    matter = fields.Enum(
        FundMatter,
        by_value=True,
        load_default=FundMatter.use,
        metadata={
            "description": "Civil Code Art. 278: use (more than half), raise, rebuild, common_use (three-quarters)"
        },
    )
    majority = fields.Str(
        validate=validate.OneOf((HALF, THREE_QUARTERS)),
        metadata={"description": "the majority the vote was counted against; refused unless it is the matter's"},
    )
    amount = Money(positive=True, required=True, attribute="amount_fen")
    voted_on = fields.Date(required=True)
    participating_area = Area(
        required=True, attribute="participating_area_dm2", metadata={"description": "m² of the owners who took part"}
    )
    participating_households = fields.Int(
        required=True,
        validate=validate.Range(min=0),
        metadata={"description": "owners (业主) who took part, each once however many households they hold"},
    )
    approving_area = Area(required=True, attribute="approving_area_dm2")
    approving_households = fields.Int(
        required=True, validate=validate.Range(min=0), metadata={"description": "owners who approved, each once"}
    )
    ticket_id = fields.Int(allow_none=True)
    project_id = fields.Int(allow_none=True)


class VoteQuery(Schema):
    compound_id = fields.Int()


class VoteOut(Schema):
    id = fields.Int()
    compound_id = fields.Int()
    purpose = fields.Str()
    matter = fields.Enum(FundMatter, by_value=True)
    majority = fields.Method(
        "_majority", metadata={"description": "the majority the matter needs: half or three_quarters"}
    )
    amount = Money(attribute="amount_fen")
    voted_on = fields.Date()
    ticket_id = fields.Int(allow_none=True)
    project_id = fields.Int(allow_none=True)
    total_area = Area(attribute="total_area_dm2")
    total_households = fields.Int()
    total_owners = fields.Int(
        allow_none=True,
        metadata={
            "description": "the owners the headcount is judged against (null: recorded before owners were counted, "
            "judged against total_households)"
        },
    )
    participating_area = Area(attribute="participating_area_dm2")
    participating_households = fields.Int()
    approving_area = Area(attribute="approving_area_dm2")
    approving_households = fields.Int()
    passed = fields.Method("_passed")
    failed_threshold = fields.Method("_failed")
    drawn = fields.Method("_drawn")

    def _majority(self, vote):
        return MAJORITY[vote.matter]

    def _passed(self, vote):
        return failed_threshold(vote) is None

    def _failed(self, vote):
        return failed_threshold(vote)

    def _drawn(self, vote):
        # A list sets `drawn_fen` on its page of votes in one statement (fund.drawn_by_vote).
        drawn = getattr(vote, "drawn_fen", None)
        return fen_to_yuan(drawn_against(vote.id) if drawn is None else drawn)
