"""REST API of maintenance tickets: report, list (with overdue), transitions, re-routing."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from sqlalchemy.orm import selectinload

from pm_app.auth.scope import get_visible, object_in_scope, visible
from pm_app.common.api import Blueprint
from pm_app.common.clock import now
from pm_app.common.pagination import paginate
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.org.models import Compound
from pm_app.tickets import dispatch, queries, services, sla, stats, stats_report
from pm_app.tickets import schemas as s
from pm_app.tickets.models import Ticket

blp = Blueprint(
    "tickets_api",
    __name__,
    url_prefix="/api/v1",
    description="Maintenance tickets: SLA deadlines, warranty routing, the workflow and satisfaction",
)


@blp.route("/tickets")
class Tickets(MethodView):
    @blp.arguments(s.TicketQuery, location="query")
    @blp.response(200, s.TicketOut(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Tickets, soonest resolve-by first, filtered as the board filters (days: the day reported,
        city time); `overdue=true` keeps those past a deadline now, `false` the others"""
        at, overdue = now(), args.pop("overdue", None)
        query = visible(Ticket, current_user).where(*queries.clauses(queries.Filters(**args), at))
        if overdue is not None:
            clause = sla.overdue_clause(at)
            query = query.where(clause if overdue else ~clause)
        # The masking rule reads each ticket's compound: one statement for the page, not one per compound.
        return paginate(
            query.order_by(Ticket.resolve_by, Ticket.id).options(selectinload(Ticket.compound)), pagination_parameters
        )

    @blp.arguments(s.TicketIn)
    @blp.response(201, s.TicketOut)
    def post(self, data):
        """Report a repair; a defect on a warranty item inside its warranty goes to the contractor"""
        compound = get_visible(Compound, data.pop("compound_id"), current_user)
        source = data.pop("source")
        if source in services.PUBLIC_SOURCES:
            raise DomainError("source: public_link is for the public page", {"source": ["not through the API"]})
        ticket = services.report(current_user, compound, data, source)
        db.session.commit()
        return ticket


@blp.route("/tickets/stats")
class Stats(MethodView):
    @blp.arguments(s.StatsQuery, location="query")
    @blp.response(200, s.StatsOut)
    def get(self, args):
        """Complaint statistics of the caller's tickets (a street office: its streets; the
        regulator: the city): counts and four-place shares by category, party, source and street"""
        return stats.complaint_stats(current_user, queries.Filters(**args), now())


@blp.route("/tickets/stats.<any(csv, xlsx):fmt>")
class StatsExport(MethodView):
    @blp.arguments(s.StatsQuery, location="query")
    @blp.doc(
        responses={
            "200": {
                "description": "the statistics as a spreadsheet: a total row, seed 003's "
                "construction and quality row, then each breakdown's rows (labels in the "
                "caller's language, four-place shares)",
                "content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}},
            }
        }
    )
    def get(self, args, fmt):
        """The same statistics as CSV or XLSX, as the page's export (the one way files are named here)"""
        filters = queries.Filters(**args)
        return stats_report.download(fmt, stats.complaint_stats(current_user, filters, now()), filters)


@blp.route("/tickets/<int:ticket_id>")
class TicketItem(MethodView):
    decorators = [object_in_scope(Ticket, "ticket_id")]

    @blp.response(200, s.TicketDetailOut)
    def get(self, ticket_id):
        return db.session.scalars(
            visible(Ticket, current_user).where(Ticket.id == ticket_id).options(selectinload(Ticket.events))
        ).one()


@blp.route("/tickets/<int:ticket_id>/transitions")
class Transitions(MethodView):
    decorators = [object_in_scope(Ticket, "ticket_id")]

    @blp.arguments(s.TransitionIn)
    @blp.response(200, s.TicketDetailOut)
    @blp.alt_response(409, description="the workflow forbids it; the message names the allowed transitions")
    def post(self, data, ticket_id):
        """Move the ticket along its workflow (who may do which is part of the rules)"""
        ticket = get_visible(Ticket, ticket_id, current_user)
        services.transition(
            current_user,
            ticket,
            data["to"],
            data.get("note"),
            data.get("satisfaction"),
            data.get("comment"),
            data.get("cost"),
        )
        db.session.commit()
        return ticket


@blp.route("/tickets/<int:ticket_id>/route")
class Route(MethodView):
    decorators = [object_in_scope(Ticket, "ticket_id")]

    @blp.arguments(s.RouteIn)
    @blp.response(200, s.TicketOut)
    def post(self, data, ticket_id):
        """The street office re-routes a ticket (e.g. to the maintenance fund), saying why"""
        ticket = services.reroute(
            current_user,
            get_visible(Ticket, ticket_id, current_user),
            data["responsible_party"],
            data["reason"],
            data.get("warranty_item_id"),
        )
        db.session.commit()
        return ticket


@blp.route("/tickets/<int:ticket_id>/escalate")
class Escalate(MethodView):
    decorators = [object_in_scope(Ticket, "ticket_id")]

    @blp.arguments(s.EscalateIn)
    @blp.response(200, s.TicketOut)
    @blp.alt_response(409, description="the ticket is no longer open")
    def post(self, data, ticket_id):
        """The street office raises the priority, saying why; deadlines only come sooner"""
        ticket = services.escalate(
            current_user, get_visible(Ticket, ticket_id, current_user), data["priority"], data["reason"]
        )
        db.session.commit()
        return ticket


@blp.route("/tickets/<int:ticket_id>/dispatch")
class Dispatch(MethodView):
    decorators = [object_in_scope(Ticket, "ticket_id")]

    @blp.response(200, s.PersonOut(many=True))
    def get(self, ticket_id):
        """The people the caller may dispatch this ticket to (empty: the caller dispatches nothing)"""
        ticket = get_visible(Ticket, ticket_id, current_user)
        return [
            {"id": p.id, "name": dispatch.name_of(p), "role": p.role.value}
            for p in dispatch.eligible(current_user, ticket)
        ]

    @blp.arguments(s.DispatchIn)
    @blp.response(200, s.TicketOut)
    @blp.alt_response(409, description="the ticket is no longer open")
    def post(self, data, ticket_id):
        """Dispatch to a named person (the street office, or the assignee firm to its own staff);
        a new ticket becomes assigned, and the person is notified"""
        ticket = dispatch.dispatch(current_user, get_visible(Ticket, ticket_id, current_user), data["user_id"])
        db.session.commit()
        return ticket
