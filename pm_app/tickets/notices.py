"""Who hears of a ticket's hand-offs, through the alerts' outbox (alerts.notices): the person it
is dispatched to, and the party that reported it once it is resolved and awaits their
confirmation (a committee, a street office or the regulator; a resident on the public page
follows it by tracking code instead). A notice leaves the inbox once the step it asked for is
taken."""

from __future__ import annotations

from flask import url_for

from pm_app.alerts.notices import notify, settle, subject_link
from pm_app.auth.models import Role, User
from pm_app.extensions import db
from pm_app.org.models import Compound
from pm_app.tickets.models import Ticket
from pm_app.tickets.models import TicketStatus as S

DISPATCHED, RESOLVED = "notice_ticket_dispatched", "notice_ticket_resolved"
SUMMARY_CHARS = 30


@subject_link("ticket")
def _ticket_page(ticket_id: int, _reader) -> str:
    return url_for("tickets.ticket", ticket_id=ticket_id)


def dispatched(ticket: Ticket, person: User, event_id: int) -> None:
    compound = db.session.get(Compound, ticket.compound_id)
    notify(
        DISPATCHED,
        f"event{event_id}",
        "ticket",
        ticket.id,
        f"{compound.name}: 工单 {ticket.tracking_code}「{_summary(ticket)}」已派给您处理",
        [("user", person.id)],
        compound_id=compound.id,
        firm_id=ticket.assignee_firm_id,
    )


def after_transition(ticket: Ticket, frm: S, to: S, event_id: int) -> None:
    if to == S.resolved:
        _resolved(ticket, event_id)
    if to in (S.resolved, S.closed, S.rejected):
        settle(DISPATCHED, "ticket", ticket.id)
    if to in (S.closed, S.reopened, S.rejected):
        settle(RESOLVED, "ticket", ticket.id)


def _resolved(ticket: Ticket, event_id: int) -> None:
    """The reporter confirms the repair: tell their party that it is their turn."""
    reporter = db.session.get(User, ticket.created_by_id) if ticket.created_by_id else None
    compound = db.session.get(Compound, ticket.compound_id)
    audience = None
    if reporter is None or not reporter.active:
        return
    if reporter.role == Role.committee_member and reporter.compound_id == ticket.compound_id:
        audience = ("committee", ticket.compound_id)
    elif reporter.role == Role.street_officer and compound.street_id in reporter.street_ids:
        audience = ("street", compound.street_id)
    elif reporter.role == Role.regulator:
        audience = ("regulator", 0)
    if audience is None:
        return
    notify(
        RESOLVED,
        f"event{event_id}",
        "ticket",
        ticket.id,
        f"{compound.name}: 工单 {ticket.tracking_code}「{_summary(ticket)}」已处理完毕，请确认",
        [audience],
        compound_id=compound.id,
        firm_id=ticket.assignee_firm_id,
    )


def _summary(ticket: Ticket) -> str:
    text = " ".join(ticket.description.split())
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS] + "…"
