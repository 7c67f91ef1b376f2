"""Money paid out on a renovation project (issue 26): each payment made, its day, amount and the
funding source it was paid from, so the report can say what share of the money has been spent
(seed 003: "中央直达资金支付进度为44.2%"). Named disbursements, not payments: `payments` are
the residents' fee payments."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from pm_app.common.types import UTCDateTime, value_enum
from pm_app.extensions import db
from pm_app.warranties.models import FundingSource


class Disbursement(db.Model):
    __tablename__ = "project_disbursement"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("renovation_project.id"), index=True)
    paid_on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[FundingSource] = mapped_column(value_enum(FundingSource, "funding_source"))
    note: Mapped[str | None] = mapped_column(String(200))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())
