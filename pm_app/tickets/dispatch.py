"""Dispatch (派单): naming the person who will do the repair. The street office dispatches a
ticket of its compounds to a member of the assignee firm's staff or to one of its own officers;
the assignee firm dispatches to its own staff. The person hears of it (a notice in their inbox)
and finds it under "dispatched to me" in their queue; the ticket's timeline records it.
A new ticket becomes assigned on dispatch: naming the person is assigning it."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from pm_app.auth.models import Role, User, user_street
from pm_app.errors import Conflict, DomainError
from pm_app.extensions import db
from pm_app.org.models import Compound
from pm_app.org.services import ensure
from pm_app.tickets import notices, services
from pm_app.tickets.models import Ticket, TicketEvent
from pm_app.tickets.models import TicketStatus as S
from pm_app.tickets.workflow import OPEN

FIRM_ROLES = (Role.firm_staff, Role.contractor_staff)


def can_dispatch(user, ticket: Ticket) -> bool:
    return bool(services.parties(user, ticket) & {"office", "assignee"})


def eligible(user, ticket: Ticket) -> list[User]:
    """Who `user` may dispatch the ticket to: active staff of the assignee firm, and for the
    street office also the officers serving the compound's street. Sorted by name."""
    mine = services.parties(user, ticket)
    choices = []
    if ticket.assignee_firm_id is not None and mine & {"office", "assignee"}:
        choices.append((User.firm_id == ticket.assignee_firm_id) & User.role.in_(FIRM_ROLES))
    if "office" in mine:
        street_id = db.session.scalar(select(Compound.street_id).where(Compound.id == ticket.compound_id))
        choices.append(
            (User.role == Role.street_officer)
            & User.id.in_(select(user_street.c.user_id).where(user_street.c.street_id == street_id))
        )
    if not choices:
        return []
    return list(
        db.session.scalars(
            select(User).where(User.active.is_(True), or_(*choices)).order_by(User.display_name, User.username)
        )
    )


def dispatch(user, ticket: Ticket, person_id: int | None) -> Ticket:
    ensure(can_dispatch(user, ticket), _l("dispatch this ticket"))
    if ticket.status not in OPEN:
        raise Conflict(_("Only an open ticket is dispatched."), {"user_id": [_("the ticket is not open")]})
    person = next((p for p in eligible(user, ticket) if p.id == person_id), None)
    if person is None:
        raise DomainError(
            _("Dispatch to an active member of the assignee's staff or of the street office."),
            {"user_id": [_("not someone this ticket can be dispatched to")]},
        )
    ticket.assignee_user_id = person.id
    note = _("dispatched to %(name)s", name=name_of(person))
    if ticket.status == S.new:
        services.transition(user, ticket, S.assigned, note)  # naming the person assigns the ticket
        event_id = db.session.scalar(select(func.max(TicketEvent.id)).where(TicketEvent.ticket_id == ticket.id))
    else:
        event_id = services.record(ticket, user, note).id
    notices.dispatched(ticket, person, event_id)
    return ticket


def name_of(person: User) -> str:
    return person.display_name or person.username
