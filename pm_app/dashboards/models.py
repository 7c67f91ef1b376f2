"""What the homes keep between requests: each compound's health as the nightly run left it.

A province's regulator sees some 11,000 compounds. Scoring every one live on each visit of the
home cost ~0.4 ms a compound (808 ms at one city, 1.8 s at two: docs/scaling.md), so the
province's home reads its worst compounds from here; every other page, and every home of a city
or a street, still scores live (dashboards.health)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from pm_app.common.types import UTCDateTime
from pm_app.extensions import db


class CompoundHealth(db.Model):
    __tablename__ = "compound_health"
    # worst first, unscored last: the province's home reads the first twenty by this index
    __table_args__ = (Index("ix_compound_health_score", "score", "compound_id"),)

    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id", ondelete="CASCADE"), primary_key=True)
    score: Mapped[int | None] = mapped_column(SmallInteger)
    households: Mapped[int] = mapped_column(Integer, default=0)
    as_of: Mapped[date] = mapped_column(Date)  # the day the parts were read for
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
