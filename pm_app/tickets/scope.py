"""Who sees which tickets: the compound's roles see its tickets; a contractor sees only the
tickets assigned to it (its warranty claims); events and photos follow their ticket."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, true

from pm_app.auth.models import Role
from pm_app.auth.scope import scope_clause, scope_rule
from pm_app.org.scope import compound_ids
from pm_app.tickets.models import Ticket, TicketAttachment, TicketEvent


@scope_rule(Ticket)
def _ticket(user) -> ColumnElement[bool]:
    if user.sees_whole_city:
        return true()
    if user.role == Role.contractor_staff:
        return Ticket.assignee_firm_id == user.firm_id if user.firm_id else false()
    return Ticket.compound_id.in_(compound_ids(user))


def _through_ticket(column):
    def rule(user) -> ColumnElement[bool]:
        return true() if user.sees_whole_city else column.in_(select(Ticket.id).where(scope_clause(Ticket, user)))

    return rule


scope_rule(TicketEvent)(_through_ticket(TicketEvent.ticket_id))
scope_rule(TicketAttachment)(_through_ticket(TicketAttachment.ticket_id))
