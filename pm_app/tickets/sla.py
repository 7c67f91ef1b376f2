"""SLA deadlines from the priority, and overdue computed when asked, never stored.

Defaults (configurable as TICKET_SLA_HOURS: priority → (respond, resolve) hours): emergency
1 h / 24 h, high 4 h / 3 days, normal 24 h / 7 days, low 72 h / 15 days. A 12345 hotline ticket
must be answered within a day whatever its priority (HOTLINE_RESPOND_HOURS).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, or_

from pm_app.tickets.models import Priority, Ticket, TicketSource, TicketStatus
from pm_app.tickets.workflow import OPEN

DEFAULT_HOURS = {"emergency": (1, 24), "high": (4, 72), "normal": (24, 168), "low": (72, 360)}
HOTLINE_RESPOND_HOURS = 24


def deadlines(priority: Priority, source: TicketSource, created: datetime) -> tuple[datetime, datetime]:
    hours = {**DEFAULT_HOURS, **current_app.config.get("TICKET_SLA_HOURS", {})}
    respond, resolve = hours[priority.value]
    if source == TicketSource.hotline_12345:
        respond = min(respond, HOTLINE_RESPOND_HOURS)
    return created + timedelta(hours=respond), created + timedelta(hours=resolve)


def respond_overdue(ticket: Ticket, at: datetime) -> bool:
    """Nobody has started on it (nor rejected it) by its respond-by time."""
    return (
        ticket.status in (TicketStatus.new, TicketStatus.assigned)
        and ticket.responded_at is None
        and at > ticket.respond_by
    )


def resolve_overdue(ticket: Ticket, at: datetime) -> bool:
    """Still open past its resolve-by time. Resolved, closed and rejected tickets never are."""
    return ticket.status in OPEN and at > ticket.resolve_by


def overdue(ticket: Ticket, at: datetime) -> bool:
    return respond_overdue(ticket, at) or resolve_overdue(ticket, at)


def overdue_clause(at: datetime) -> ColumnElement[bool]:
    """The same test in SQL, for lists and sweeps."""
    return or_(
        and_(
            Ticket.status.in_((TicketStatus.new, TicketStatus.assigned)),
            Ticket.responded_at.is_(None),
            Ticket.respond_by < at,
        ),
        and_(Ticket.status.in_(OPEN), Ticket.resolve_by < at),
    )
