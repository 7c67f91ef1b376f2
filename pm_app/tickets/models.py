"""Maintenance tickets (报修工单): what residents, the 12345 hotline, inspections and the offices
report, who must answer it by when, and every step it took (`TicketEvent`)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pm_app.common.types import UTCDateTime, value_enum
from pm_app.extensions import db

if TYPE_CHECKING:
    from pm_app.org.models import Compound


class TicketStatus(str, enum.Enum):
    new = "new"
    assigned = "assigned"
    in_progress = "in_progress"
    resolved = "resolved"
    closed = "closed"
    reopened = "reopened"
    rejected = "rejected"


class TicketSource(str, enum.Enum):
    public_link = "public_link"
    phone = "phone"
    hotline_12345 = "hotline_12345"
    inspection = "inspection"
    committee = "committee"
    street = "street"
    firm = "firm"


class Priority(str, enum.Enum):
    emergency = "emergency"
    high = "high"
    normal = "normal"
    low = "low"


class ResponsibleParty(str, enum.Enum):
    property_firm = "property_firm"
    contractor_warranty = "contractor_warranty"
    maintenance_fund = "maintenance_fund"
    utility = "utility"


# `Ticket.satisfaction_by` of a rating the reporter gave with their confirmation key; any other
# value is the role of the staff member who closed the ticket (rankings count only the reporter's).
BY_REPORTER = "reporter"


class Ticket(db.Model):
    __tablename__ = "ticket"
    __table_args__ = (
        CheckConstraint("satisfaction IS NULL OR (satisfaction >= 1 AND satisfaction <= 5)", name="satisfaction_range"),
        CheckConstraint("cost_fen IS NULL OR cost_fen >= 0", name="cost_not_negative"),
        # A platform's order number names one order: imported or typed twice, it is one ticket.
        UniqueConstraint("source", "external_ref"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # Given to the reporter to follow the ticket without an account; random, never an id.
    tracking_code: Mapped[str] = mapped_column(String(16), unique=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compound.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("building.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"))
    warranty_item_id: Mapped[int | None] = mapped_column(ForeignKey("warranty_item.id"), index=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    source: Mapped[TicketSource] = mapped_column(value_enum(TicketSource, "ticket_source"))
    priority: Mapped[Priority] = mapped_column(value_enum(Priority, "ticket_priority"))
    description: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(128))
    reporter_name: Mapped[str | None] = mapped_column(String(64))
    reporter_phone: Mapped[str | None] = mapped_column(String(32))
    responsible_party: Mapped[ResponsibleParty] = mapped_column(value_enum(ResponsibleParty, "responsible_party"))
    assignee_firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id"), index=True)
    # The person it was dispatched to (派单): staff of the assignee firm, or of the street office.
    assignee_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    routing_note: Mapped[str | None] = mapped_column(Text)  # why the street office re-routed it
    status: Mapped[TicketStatus] = mapped_column(
        value_enum(TicketStatus, "ticket_status"), default=TicketStatus.new, index=True
    )
    respond_by: Mapped[datetime] = mapped_column(UTCDateTime())
    resolve_by: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cost_fen: Mapped[int | None] = mapped_column(BigInteger)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    satisfaction_comment: Mapped[str | None] = mapped_column(Text)
    # Who gave the rating: BY_REPORTER, or the role of the staff member who confirmed the repair.
    satisfaction_by: Mapped[str | None] = mapped_column(String(32))
    # SHA-256 of the confirmation key shown once to a reporter on the public page: what lets them,
    # and only them, confirm or reopen the repair (staff see the tracking code, never the key).
    # NULL for tickets reported by staff, and for those reported before keys existed.
    confirm_key_hash: Mapped[str | None] = mapped_column(String(64))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("warranty_claim.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now(), index=True)
    # The 12345 (or other platform's) order number; NULL for tickets reported here.
    external_ref: Mapped[str | None] = mapped_column(String(64))
    # When the citizen reported it (an order typed in late keeps its day): deadlines count from it,
    # and the day filters and statistics read it. created_at stays when it was recorded here.
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now(), index=True)

    events: Mapped[list[TicketEvent]] = relationship(order_by="TicketEvent.id")
    # Read by the reporter-masking rule of every listed ticket: lists load it with selectinload.
    compound: Mapped[Compound] = relationship(viewonly=True)


class TicketEvent(db.Model):
    """One step of a ticket: who (a user, or the public reporter), when, from, to, and why."""

    __tablename__ = "ticket_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor_label: Mapped[str] = mapped_column(String(64))  # "reporter", a user name: kept if the user goes
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())


class TicketAttachment(db.Model):
    """A photo of the defect or the repair, stored on disk under the attachments folder."""

    __tablename__ = "ticket_attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)  # random; never the uploaded name
    original_name: Mapped[str] = mapped_column(String(128))
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())
