"""Committees (业委会 / 物管会 / 自管会) with their members, and the compound's books: ledger
entries chained by SHA-256 (see `ledger.canonical`), the committee's queries on them, and the
owners' votes that a maintenance-fund draw needs (Civil Code Art. 278)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pm_app.common.types import UTCDateTime, value_enum
from pm_app.extensions import db


class CommitteeKind(str, enum.Enum):
    owners_committee = "owners_committee"  # 业主委员会, elected by the owners' assembly
    management_committee = "management_committee"  # 物业管理委员会, set up by the street where none can be elected
    self_management = "self_management"  # 自管委员会, residents managing the compound themselves
    # 临时业委会: seed 002 "还未成立业委会的可以帮助成立小区临时业委会" — stands in until an owners'
    # committee is elected, so it governs (and is succeeded) like one, but is not counted as one.
    temporary_committee = "temporary_committee"
    # 改造工作监督委员会 (seed 004 §九(九)): street, community, residents' and firm representatives
    # overseeing one renovation "从项目论证期到落实建后管理模式". It sits beside the governing
    # committee, never succeeds it, and has no re-election (status.ATTENDANT_KINDS).
    supervision_committee = "supervision_committee"


class MemberRole(str, enum.Enum):
    chair = "chair"  # 主任
    vice_chair = "vice_chair"  # 副主任
    member = "member"  # 委员


class Account(str, enum.Enum):
    fee_income = "fee_income"  # 物业费收入
    public_revenue = "public_revenue"  # 公共收益: parking, advertising, venue rental …
    operating_expense = "operating_expense"  # 运营支出
    maintenance_fund = "maintenance_fund"  # 专项维修资金


class FundMatter(str, enum.Enum):
    """What the owners decided (Civil Code Art. 278 items (五)–(八)); the majority depends on it."""

    use = "use"  # (五) 使用维修资金: more than half
    raise_ = "raise"  # (六) 筹集维修资金: three-quarters
    rebuild = "rebuild"  # (七) 改建、重建建筑物及其附属设施: three-quarters
    common_use = "common_use"  # (八) 改变共有部分的用途或者利用共有部分从事经营活动: three-quarters


class Direction(str, enum.Enum):
    in_ = "in"
    out = "out"


class Committee(db.Model):
    """One elected committee of a compound. A compound's later committee succeeds the earlier
    one; nothing is deleted, so the rows are the compound's committee history."""

    __tablename__ = "committee"
    __table_args__ = (
        UniqueConstraint("compound_id", "elected_on"),
        CheckConstraint("term_years >= 1 AND term_years <= 5", name="term_at_most_five_years"),
        CheckConstraint("term_end > elected_on", name="term_ends_after_election"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    kind: Mapped[CommitteeKind] = mapped_column(value_enum(CommitteeKind, "committee_kind"))
    elected_on: Mapped[date] = mapped_column(Date)
    term_years: Mapped[int] = mapped_column(Integer)
    term_end: Mapped[date] = mapped_column(Date, index=True)  # first day out of office
    filed_on: Mapped[date | None] = mapped_column(Date)  # 备案 with the street office
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())

    members: Mapped[list[CommitteeMember]] = relationship(order_by="CommitteeMember.id", back_populates="committee")


class CommitteeMember(db.Model):
    __tablename__ = "committee_member"
    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[MemberRole] = mapped_column(value_enum(MemberRole, "committee_member_role"))
    phone: Mapped[str | None] = mapped_column(String(32))

    committee: Mapped[Committee] = relationship(back_populates="members")


class LedgerEntry(db.Model):
    """An entry of a compound's books. Never updated or deleted (the database refuses both);
    a mistake is corrected by a reversal entry pointing at the original."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        UniqueConstraint("compound_id", "seq"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # 1, 2, 3 … within the compound's chain
    account: Mapped[Account] = mapped_column(value_enum(Account, "ledger_account"))
    direction: Mapped[Direction] = mapped_column(value_enum(Direction, "ledger_direction", length=8))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    entry_date: Mapped[date] = mapped_column(Date, index=True)
    counterparty: Mapped[str | None] = mapped_column(String(128))
    voucher_no: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(500))
    reversal_of_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"), unique=True)
    fund_vote_id: Mapped[int | None] = mapped_column(ForeignKey("fund_vote.id"), index=True)
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    queries: Mapped[list[LedgerQuery]] = relationship(order_by="LedgerQuery.id", back_populates="entry")


class LedgerHead(db.Model):
    """The last link of each compound's chain, so removing the newest entries is noticed too
    (a chain alone cannot tell a shortened chain from a shorter one)."""

    __tablename__ = "ledger_head"
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class LedgerAnchor(db.Model):
    """The chain's head as printed on a monthly statement (page, CSV, XLSX or API answer): what
    the committee holds on paper. Never updated or deleted (the database refuses both, and takes
    only an anchor that matches an entry); verify checks the chain against every one."""

    __tablename__ = "ledger_anchor"
    __table_args__ = (UniqueConstraint("compound_id", "month", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"))
    month: Mapped[str] = mapped_column(String(7))  # the statement's month, YYYY-MM
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    issued_as: Mapped[str] = mapped_column(String(8))  # page, csv, xlsx or api: the first to print it
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())


class LedgerQuery(db.Model):
    """A committee member's question on an entry, which the serving firm must answer."""

    __tablename__ = "ledger_query"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entry.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    entry: Mapped[LedgerEntry] = relationship(back_populates="queries")


class FundVote(db.Model):
    """The owners' vote on a use of the maintenance fund, with the compound's totals as they
    stood when it was recorded (the thresholds are judged against those)."""

    __tablename__ = "fund_vote"
    __table_args__ = (
        CheckConstraint(
            "participating_area_dm2 <= total_area_dm2 AND approving_area_dm2 <= participating_area_dm2",
            name="areas_nested",
        ),
        CheckConstraint(
            "participating_households <= total_households AND approving_households <= participating_households",
            name="heads_nested",
        ),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(500))
    matter: Mapped[FundMatter] = mapped_column(
        value_enum(FundMatter, "fund_vote_matter", length=16),
        default=FundMatter.use,
        server_default=FundMatter.use.value,
    )
    amount_fen: Mapped[int] = mapped_column(BigInteger)  # the most the owners approved drawing
    voted_on: Mapped[date] = mapped_column(Date)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("renovation_project.id"), index=True)
    total_area_dm2: Mapped[int] = mapped_column(BigInteger)
    total_households: Mapped[int] = mapped_column(Integer)
    # The headcount's base: owners, each counted once however many households they hold
    # (majorities.owner_count). None on votes recorded before it was kept: they were counted by household.
    total_owners: Mapped[int | None] = mapped_column(Integer)
    participating_area_dm2: Mapped[int] = mapped_column(BigInteger)
    participating_households: Mapped[int] = mapped_column(Integer)
    approving_area_dm2: Mapped[int] = mapped_column(BigInteger)
    approving_households: Mapped[int] = mapped_column(Integer)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())


class PartyRecord(db.Model):
    """Whether a compound has a party organisation (党组织, its own or a joint branch) and is
    served as 红色物业 (party-led property service): seed 001 counts both beside committees
    ("基本实现老旧小区党组织全覆盖", "“红色物业”托管"). Kept by the street office; no row means neither."""

    __tablename__ = "party_record"
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), primary_key=True)
    party_organisation: Mapped[bool] = mapped_column(default=False, server_default=false())
    red_property: Mapped[bool] = mapped_column(default=False, server_default=false())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now(), onupdate=func.now())


class FeeIncomePosting(db.Model):
    """What the fee-income sweep (fee_books.py) posted: for a compound and month, the fees
    received then and what the books held, and the entry that made up the difference. Version 1
    is the month's posting; 2, 3 … correct it (a payment recorded late, dated in the month). The
    unique key lets two sweeps at once post a month's version only once."""

    __tablename__ = "fee_income_posting"
    __table_args__ = (UniqueConstraint("compound_id", "month", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    version: Mapped[int] = mapped_column(Integer)
    received_fen: Mapped[int] = mapped_column(BigInteger)  # payments dated in the month, net of reversals
    booked_fen: Mapped[int] = mapped_column(BigInteger)  # the month's fee income in the books before this posting
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entry.id"), unique=True)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())
