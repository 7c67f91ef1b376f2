"""A warranty claim as its readers name it: by the tracking code (受理编号) of the ticket that
opened it, as the street office, the firm and the resident do, never by the claim's internal id
(issue 27: the contractor's pages said "No. 17" while everyone on the phone said a code). A claim
a joint inspection opened has no ticket, so no code; the pages say where it came from instead."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, select

from pm_app.auth.scope import visible
from pm_app.common.inputs import normal
from pm_app.extensions import db
from pm_app.tickets.models import Ticket
from pm_app.warranties.models import WarrantyClaim


def codes(user, claims: Iterable[WarrantyClaim]) -> dict[int, tuple[int, str]]:
    """claim id → (ticket id, tracking code) for the claims whose ticket the user sees, in one statement."""
    by_ticket = {c.ticket_id: c.id for c in claims if c.ticket_id is not None}
    if not by_ticket:
        return {}
    rows = db.session.execute(
        visible(Ticket, user).with_only_columns(Ticket.id, Ticket.tracking_code).where(Ticket.id.in_(by_ticket))
    )
    return {by_ticket[tid]: (tid, code) for tid, code in rows}


def typed_code(typed: str | None) -> str:
    """A code as read out over the phone: any width or case, blanks and dashes ignored (as the
    ticket board's search reads it, tickets.queries.search_clause)."""
    return "".join(ch for ch in normal(typed or "").upper() if ch.isalnum())


def with_code(query: Select, code: str) -> Select:
    """Only the claims whose ticket carries `code` (already typed_code'd)."""
    return query.where(WarrantyClaim.ticket_id.in_(select(Ticket.id).where(Ticket.tracking_code == code)))
