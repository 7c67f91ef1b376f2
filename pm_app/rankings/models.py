"""Rankings (红黑榜): scoring schemes (versioned), periods, per-firm results, awards and deductions,
appeals.

A published period is a frozen snapshot: its result rows carry the firm's name, the indicator
values, the deductions and the scheme as they were on the day of publication (`snapshot` JSON),
so a later rename, a later scheme or a deleted ticket changes nothing of what was published.
`pm_app.rankings.freeze` refuses any change to a published period's rows (and a PostgreSQL
trigger does the same under the ORM)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
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
from pm_app.org.models import Compound, Firm


class PeriodState(str, enum.Enum):
    draft = "draft"
    review = "review"
    published = "published"


class AdjustmentKind(str, enum.Enum):
    deduction = "deduction"
    award = "award"


class AppealState(str, enum.Enum):
    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"


class ScoringScheme(db.Model):
    """One version of the rules: weights and 0–100 mappings of the indicators, grade bands and
    which grades make the lists, the award cap, the appeal window, the minimum data to be rated.
    Never edited: the regulator saves a new version, and each period keeps the one it used."""

    __tablename__ = "ranking_scheme"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    # {code: {"weight": "30", "floor": "0.6000", "target": "0.9500"}}; floor above target inverts.
    indicators: Mapped[dict] = mapped_column(JSON)
    # [{"grade": "AAA", "min": "90", "list": "red"}, …] highest first; the last has min 0.
    bands: Mapped[list] = mapped_column(JSON)
    award_cap: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    appeal_days: Mapped[int] = mapped_column(Integer)
    min_households: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())


class RankingPeriod(db.Model):
    __tablename__ = "ranking_period"
    __table_args__ = (
        UniqueConstraint("code", "revision"),
        CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), index=True)  # 2026Q3 or 2026
    # A correction of a published period is a new publication of the same code, one revision up.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("ranking_period.id"), unique=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    state: Mapped[PeriodState] = mapped_column(
        value_enum(PeriodState, "ranking_period_state", 16), default=PeriodState.draft, index=True
    )
    scheme_id: Mapped[int] = mapped_column(ForeignKey("ranking_scheme.id"))
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_opened_on: Mapped[date | None] = mapped_column(Date)
    appeal_deadline: Mapped[date | None] = mapped_column(Date)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # The scheme as used, copied at publication: the published numbers can be checked by hand.
    scheme_snapshot: Mapped[dict | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())

    scheme: Mapped[ScoringScheme] = relationship()
    corrects: Mapped[RankingPeriod | None] = relationship(remote_side=[id])


class RankingResult(db.Model):
    """One firm in one period: what it was measured on and what it scored."""

    __tablename__ = "ranking_result"
    __table_args__ = (UniqueConstraint("period_id", "firm_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("ranking_period.id"), index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id"), index=True)
    firm_name: Mapped[str] = mapped_column(String(128))  # as on the day of computing, frozen on publication
    households: Mapped[int] = mapped_column(Integer)
    compounds: Mapped[int] = mapped_column(Integer)
    rated: Mapped[bool] = mapped_column(Boolean)
    not_rated_reason: Mapped[str | None] = mapped_column(String(64))
    # {code: {"value": "0.8125", "score": "62.50", "weight": "30", + the counts behind the value}}
    indicators: Mapped[dict] = mapped_column(JSON)
    base_score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    awards: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(0))
    deductions: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(0))
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    grade: Mapped[str | None] = mapped_column(String(8))
    list_name: Mapped[str | None] = mapped_column(String(8))  # red / black
    veto: Mapped[bool] = mapped_column(Boolean, default=False)
    rank: Mapped[int | None] = mapped_column(Integer)
    # The awards and deductions that counted, frozen on publication.
    snapshot: Mapped[dict | None] = mapped_column(JSON)

    period: Mapped[RankingPeriod] = relationship()
    firm: Mapped[Firm] = relationship()


class ResultCompound(db.Model):
    """A compound a firm served in the period and its households: the weights, and who hears."""

    __tablename__ = "ranking_result_compound"
    __table_args__ = (UniqueConstraint("result_id", "compound_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("ranking_result.id", ondelete="CASCADE"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    households: Mapped[int] = mapped_column(Integer)

    compound: Mapped[Compound] = relationship()


class Adjustment(db.Model):
    """An award (加分) or a deduction (扣分) of a firm in a period, with its evidence."""

    __tablename__ = "ranking_adjustment"
    __table_args__ = (
        CheckConstraint("points > 0", name="points_positive"),
        CheckConstraint("NOT veto OR kind = 'deduction'", name="veto_is_deduction"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("ranking_period.id"), index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id"), index=True)
    kind: Mapped[AdjustmentKind] = mapped_column(value_enum(AdjustmentKind, "ranking_adjustment_kind", 16))
    points: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    reason: Mapped[str] = mapped_column(Text)
    veto: Mapped[bool] = mapped_column(Boolean, default=False)  # 一票否决: forces the black list
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"))
    document: Mapped[str | None] = mapped_column(String(256))  # a file number, 文号, or a link
    occurred_on: Mapped[date] = mapped_column(Date)
    rectify_by: Mapped[date | None] = mapped_column(Date)
    # An accepted appeal voids a deduction: it stays on record, and stops counting.
    void: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())

    period: Mapped[RankingPeriod] = relationship()
    firm: Mapped[Firm] = relationship()
    appeal: Mapped[Appeal | None] = relationship(back_populates="adjustment", uselist=False)


class Appeal(db.Model):
    """A firm's appeal (申诉) against one deduction, filed in review, decided before publication."""

    __tablename__ = "ranking_appeal"
    id: Mapped[int] = mapped_column(primary_key=True)
    adjustment_id: Mapped[int] = mapped_column(ForeignKey("ranking_adjustment.id"), unique=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("ranking_period.id"), index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id"), index=True)
    grounds: Mapped[str] = mapped_column(Text)
    state: Mapped[AppealState] = mapped_column(
        value_enum(AppealState, "ranking_appeal_state", 16), default=AppealState.pending, index=True
    )
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    adjustment: Mapped[Adjustment] = relationship(back_populates="appeal")
