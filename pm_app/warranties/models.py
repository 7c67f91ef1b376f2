"""Renovation works and their warranties: projects, the items each guarantees and for how long,
the quality-guarantee deposit (质量保证金), joint inspections, and the warranty claims that hold
the deposit back.

Seed 004 §九(十二) is the rule: roads and paving guaranteed at least five years, walls and
accessibility facilities at least ten, a deposit held in the contract. Category minimums are
rows (`WarrantyCategory`), so a city can add its own terms without a release.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pm_app.common.types import UTCDateTime, value_enum
from pm_app.extensions import db
from pm_app.org.models import Compound, Firm, RenovationType


class FundingSource(str, enum.Enum):
    central = "central"  # 中央补助
    provincial = "provincial"  # 省级
    city = "city"  # 市级
    district = "district"  # 区县级
    residents = "residents"  # 居民出资
    utility = "utility"  # 管线单位
    social_capital = "social_capital"  # 社会资本
    # Issue 26: seed 003 raised 37.9 % of its money as 专项债; seed 001's 原产权单位 put in ¥1.7 bn.
    special_bonds = "special_bonds"  # 专项债
    original_owner = "original_owner"  # 原产权单位


class DepositTerms(str, enum.Enum):
    """How the construction contract guarantees quality (建设工程质量保证金管理办法 第六、七条)."""

    retention = "retention"  # 预留保证金: held back from payments, at most 3 % of the settlement
    bank_guarantee = "bank_guarantee"  # 银行保函 in place of it, capped the same way
    insurance = "insurance"  # 工程质量保险 or another guarantee: no deposit may be held as well


class DepositState(str, enum.Enum):
    held = "held"
    released = "released"
    partly_forfeited = "partly_forfeited"
    forfeited = "forfeited"


class ClaimState(str, enum.Enum):
    open = "open"
    closed = "closed"


class WarrantyCategory(db.Model):
    __tablename__ = "warranty_category"
    __table_args__ = (CheckConstraint("min_years >= 1 AND min_years <= 50", name="years_sensible"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))  # Chinese, as on the contracts
    min_years: Mapped[int] = mapped_column(Integer)
    # Where the minimum comes from, quoted in the refusal: "吉市政办发〔2020〕5号 §九(十二)".
    source: Mapped[str] = mapped_column(String(200))
    # `year`, or `heating_season` (条例 art. 40 counts heating in seasons): see warranties.terms.
    term_unit: Mapped[str] = mapped_column(String(16), default="year", server_default="year")


class RenovationProject(db.Model):
    __tablename__ = "renovation_project"
    __table_args__ = (
        CheckConstraint("contract_amount_fen IS NULL OR contract_amount_fen >= 0", name="amount_not_negative"),
        CheckConstraint(
            "deposit_fen >= 0 AND deposit_returned_fen >= 0 AND deposit_forfeited_fen >= 0 "
            "AND deposit_returned_fen + deposit_forfeited_fen <= deposit_fen",
            name="deposit_within",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    year: Mapped[int] = mapped_column(Integer)
    renovation_type: Mapped[RenovationType | None] = mapped_column(value_enum(RenovationType, "renovation_type"))
    contractor_id: Mapped[int] = mapped_column(ForeignKey("firm.id"), index=True)
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id"))
    contract_amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    acceptance_date: Mapped[date] = mapped_column(Date)
    deposit_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    deposit_release_date: Mapped[date | None] = mapped_column(Date)  # planned
    deposit_state: Mapped[DepositState] = mapped_column(
        value_enum(DepositState, "deposit_state"), default=DepositState.held
    )
    deposit_returned_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    deposit_forfeited_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    # Why the regulator let the project go ahead with no management arrangement decided, against
    # seed 004 §九(五) "未能确定改造后管理模式的小区，暂缓改造" (org.arrangements); None: not overridden.
    arrangement_override_reason: Mapped[str | None] = mapped_column(Text)
    # Issue 26 (funding.py, deposit_rules.py): what the contract says of the deposit (None: not
    # recorded, older projects), the settled price the 3 % cap reads, and the planned dates the
    # late-completion share compares with the acceptance date.
    deposit_terms: Mapped[DepositTerms | None] = mapped_column(value_enum(DepositTerms, "deposit_terms"))
    settlement_amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    planned_start: Mapped[date | None] = mapped_column(Date)
    planned_completion: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())

    compound: Mapped[Compound] = relationship()
    contractor: Mapped[Firm] = relationship(foreign_keys=[contractor_id])
    supervisor: Mapped[Firm | None] = relationship(foreign_keys=[supervisor_id])
    funding: Mapped[list[ProjectFunding]] = relationship(order_by="ProjectFunding.source", cascade="all, delete-orphan")


class ProjectFunding(db.Model):
    __tablename__ = "project_funding"
    __table_args__ = (UniqueConstraint("project_id", "source"), CheckConstraint("amount_fen >= 0", name="amount_ok"))
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("renovation_project.id"))
    source: Mapped[FundingSource] = mapped_column(value_enum(FundingSource, "funding_source"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)


class WarrantyItem(db.Model):
    __tablename__ = "warranty_item"
    __table_args__ = (CheckConstraint("warranty_end > warranty_start", name="ends_after_start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("renovation_project.id"), index=True)
    # Copied from the project: the street's lists and the sweeps filter by compound and end date.
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("warranty_category.id"))
    description: Mapped[str] = mapped_column(String(256))
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    unit: Mapped[str | None] = mapped_column(String(16))
    location: Mapped[str | None] = mapped_column(String(128))
    warranty_years: Mapped[int] = mapped_column(Integer)
    warranty_start: Mapped[date] = mapped_column(Date)
    warranty_end: Mapped[date] = mapped_column(Date, index=True)

    project: Mapped[RenovationProject] = relationship()
    category: Mapped[WarrantyCategory] = relationship()


class Inspection(db.Model):
    """A dated joint inspection (联合检查) of a compound or one project, often the pre-expiry one."""

    __tablename__ = "inspection"
    __table_args__ = (CheckConstraint("score >= 0 AND score <= 100", name="score_range"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("renovation_project.id"), index=True)
    inspected_on: Mapped[date] = mapped_column(Date)
    participants: Mapped[str] = mapped_column(Text)
    score: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())

    findings: Mapped[list[InspectionFinding]] = relationship(order_by="InspectionFinding.id")


class InspectionFinding(db.Model):
    __tablename__ = "inspection_finding"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    warranty_item_id: Mapped[int | None] = mapped_column(ForeignKey("warranty_item.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    # Judged on the inspection day and kept: a defect found in warranty stays the contractor's.
    in_warranty: Mapped[bool] = mapped_column(Boolean, default=False)


class WarrantyClaim(db.Model):
    """A defect the contractor must repair under warranty. Opened by an inspection finding today;
    the ticket issue will open them from tickets and set `ticket_id` (the link is designed now)."""

    __tablename__ = "warranty_claim"
    id: Mapped[int] = mapped_column(primary_key=True)
    warranty_item_id: Mapped[int] = mapped_column(ForeignKey("warranty_item.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("renovation_project.id"), index=True)
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_finding.id"), unique=True)
    ticket_id: Mapped[int | None] = mapped_column(Integer, index=True)
    description: Mapped[str] = mapped_column(Text)
    state: Mapped[ClaimState] = mapped_column(
        value_enum(ClaimState, "claim_state"), default=ClaimState.open, index=True
    )
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    closing_note: Mapped[str | None] = mapped_column(Text)

    item: Mapped[WarrantyItem] = relationship()


class DepositDecision(db.Model):
    """A release (退还) or forfeit (扣除) of part or all of a project's deposit: who, when, why."""

    __tablename__ = "deposit_decision"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("renovation_project.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # release | forfeit
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())
