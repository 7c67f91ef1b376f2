"""Alerts, who they are for, and the outbox of their deliveries; sweep runs for job health."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pm_app.common.types import UTCDateTime
from pm_app.extensions import db

AUDIENCES = ("street", "firm", "contractor", "committee", "regulator", "admin")
CHANNELS = ("inbox", "email", "webhook")


class Alert(db.Model):
    __tablename__ = "alert"
    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(48), index=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    compound_id: Mapped[int | None] = mapped_column(ForeignKey("compound.id"), index=True)
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id"), index=True)
    stage: Mapped[str] = mapped_column(String(32), default="")
    severity: Mapped[str] = mapped_column(String(16))  # info / warning / critical
    title: Mapped[str] = mapped_column(String(256))
    due_on: Mapped[date | None] = mapped_column(Date)
    # rule:subject_type:subject_id:stage — two sweeps racing cannot open the same alert twice.
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    # open / resolved. Acknowledging is per person (AlertAck): one officer's "seen" does not take
    # the alert off a colleague's unread list; "acknowledged" is a reader's state, not the alert's.
    state: Mapped[str] = mapped_column(String(16), default="open", index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())
    # The first acknowledgement, kept for clients of the old single-ack API; AlertAck has them all.
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # who resolved it by hand
    resolution: Mapped[str | None] = mapped_column(String(32))  # cleared / superseded / manual

    recipients: Mapped[list[AlertRecipient]] = relationship(back_populates="alert", cascade="all, delete-orphan")


class AlertAck(db.Model):
    """One person has read (acknowledged) one alert, and when."""

    __tablename__ = "alert_ack"
    __table_args__ = (
        UniqueConstraint("alert_id", "user_id"),
        # "my unread" is NOT EXISTS (ack of this user for this alert): from the user's side.
        Index("ix_alert_ack_user", "user_id", "alert_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class AlertRecipient(db.Model):
    """An organisation the alert is for; its members see the alert in their inbox."""

    __tablename__ = "alert_recipient"
    __table_args__ = (
        UniqueConstraint("alert_id", "audience", "org_id"),
        # Every page's header counts the viewer's open alerts starting from its organisation.
        Index("ix_alert_recipient_org", "audience", "org_id", "alert_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    audience: Mapped[str] = mapped_column(String(16))  # one of AUDIENCES
    org_id: Mapped[int] = mapped_column(Integer, default=0)  # street/firm/compound id; 0 for city roles
    alert: Mapped[Alert] = relationship(back_populates="recipients")


class NotificationEndpoint(db.Model):
    """Where an organisation wants its alerts beyond the inbox: email addresses or a webhook."""

    __tablename__ = "notification_endpoint"
    __table_args__ = (UniqueConstraint("audience", "org_id", "channel"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    audience: Mapped[str] = mapped_column(String(16))
    org_id: Mapped[int] = mapped_column(Integer, default=0)
    channel: Mapped[str] = mapped_column(String(16))  # email / webhook
    target: Mapped[str] = mapped_column(String(512))  # comma-separated addresses, or a URL
    format: Mapped[str] = mapped_column(String(16), default="json")  # json / wecom / dingtalk
    active: Mapped[bool] = mapped_column(default=True)
    # "none": a message per alert; "daily": the alerts are held (Delivery state `held`) and sent as
    # one digest a day (pm_app/alerts/digest.py).
    digest: Mapped[str] = mapped_column(String(16), default="none", server_default="none")


class Delivery(db.Model):
    """The outbox: written with the alert, sent after commit, at most once."""

    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("alert_id", "recipient_id", "channel"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("alert_recipient.id", ondelete="CASCADE"))
    endpoint_id: Mapped[int | None] = mapped_column(ForeignKey("notification_endpoint.id"))
    channel: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # pending/sending/sent/failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())

    alert: Mapped[Alert] = relationship()
    recipient: Mapped[AlertRecipient] = relationship()
    endpoint: Mapped[NotificationEndpoint | None] = relationship()


class SweepRun(db.Model):
    """One run of one rule: what job health shows and what `sweep_stale` watches."""

    __tablename__ = "sweep_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(48), index=True)
    as_of: Mapped[date] = mapped_column(Date)
    trigger: Mapped[str] = mapped_column(String(16))  # cron / cli / thread / api
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    opened: Mapped[int] = mapped_column(Integer, default=0)
    resolved: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
