"""What the ticket pages read, each a fixed number of scoped statements whatever the number of
tickets: the board's and the queue's lists, the counts per status, and the charts' aggregates.
Every query starts from the viewer's scope (pm_app.auth.scope), then the page's filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select

from pm_app.auth.scope import scope_clause, visible
from pm_app.common.clock import CITY_TZ, city_month_sql
from pm_app.common.inputs import normal
from pm_app.extensions import db
from pm_app.org.models import Building, Compound, Firm, Street
from pm_app.tickets import sla
from pm_app.tickets.models import Priority, ResponsibleParty, Ticket, TicketSource, TicketStatus
from pm_app.tickets.workflow import OPEN


@dataclass
class Filters:
    compound_id: int | None = None
    status: TicketStatus | None = None
    category: str | None = None
    priority: Priority | None = None
    responsible_party: ResponsibleParty | None = None
    source: TicketSource | None = None
    overdue: bool = False
    created_from: date | None = None  # city days the citizen reported it (reported_at), both included
    created_to: date | None = None
    open: bool = False  # 未办结: new, assigned, in progress or reopened
    street_id: int | None = None
    q: str | None = None  # a tracking code, a platform order number, or words of the description
    assignee_user_id: int | None = None  # dispatched to this person (the pages' "dispatched to me")


def clauses(filters: Filters, at: datetime, with_status: bool = True) -> list[ColumnElement[bool]]:
    """The filters as WHERE clauses; `with_status=False` leaves the status out, for the counts per status."""
    found = [
        getattr(Ticket, name) == getattr(filters, name)
        for name in ("compound_id", "category", "priority", "responsible_party", "source")
        if getattr(filters, name) is not None
    ]
    if with_status and filters.status is not None:
        found.append(Ticket.status == filters.status)
    if filters.overdue:
        found.append(sla.overdue_clause(at))
    if filters.open:
        found.append(Ticket.status.in_(OPEN))
    if filters.street_id is not None:
        found.append(Ticket.compound_id.in_(select(Compound.id).where(Compound.street_id == filters.street_id)))
    if filters.created_from:
        found.append(Ticket.reported_at >= _city_midnight(filters.created_from))
    if filters.created_to:
        found.append(Ticket.reported_at < _city_midnight(filters.created_to + timedelta(days=1)))
    if filters.q:
        found.append(search_clause(filters.q))
    if filters.assignee_user_id is not None:
        found.append(Ticket.assignee_user_id == filters.assignee_user_id)
    return found


def search_clause(typed: str) -> ColumnElement[bool]:
    """A tracking code as read out (any case, blanks and dashes ignored), a platform order number
    exactly, or words found in the description."""
    text = normal(typed).strip()
    code = "".join(ch for ch in text.upper() if ch.isalnum())
    return or_(
        Ticket.tracking_code == code, Ticket.external_ref == text, Ticket.description.contains(text, autoescape=True)
    )


def next_deadline():
    """The deadline the ticket is racing now: respond-by until someone answers, then resolve-by."""
    waiting = and_(Ticket.status.in_((TicketStatus.new, TicketStatus.assigned)), Ticket.responded_at.is_(None))
    return case((waiting, Ticket.respond_by), else_=Ticket.resolve_by)


def board_query(user, filters: Filters, at: datetime) -> Select:
    return visible(Ticket, user).where(*clauses(filters, at)).order_by(Ticket.reported_at.desc(), Ticket.id.desc())


def queue_query(user, filters: Filters, at: datetime, sort: str = "deadline") -> Select:
    """The open tickets assigned to the user's firm (a contractor's: its warranty claims).
    By deadline: the overdue first, each group by the deadline it races, soonest (most late) first."""
    query = visible(Ticket, user).where(
        Ticket.assignee_firm_id == user.firm_id, Ticket.status.in_(OPEN), *clauses(filters, at)
    )
    if sort == "created":
        return query.order_by(Ticket.reported_at.desc(), Ticket.id.desc())
    return query.order_by(case((sla.overdue_clause(at), 0), else_=1), next_deadline(), Ticket.id)


def status_counts(user, filters: Filters, at: datetime) -> dict[TicketStatus, int]:
    query = (
        select(Ticket.status, func.count())
        .where(scope_clause(Ticket, user), *clauses(filters, at, False))
        .group_by(Ticket.status)
    )
    counts = dict.fromkeys(TicketStatus, 0)
    counts.update(dict(db.session.execute(query).all()))
    return counts


def by_category_and_status(user, filters: Filters, at: datetime) -> list[tuple[str, TicketStatus, int]]:
    query = (
        select(Ticket.category, Ticket.status, func.count())
        .where(scope_clause(Ticket, user), *clauses(filters, at))
        .group_by(Ticket.category, Ticket.status)
        .order_by(Ticket.category, Ticket.status)
    )
    return [tuple(row) for row in db.session.execute(query)]


def on_time_by_month(user, filters: Filters, at: datetime) -> list[dict]:
    """Per month of resolution (city time): tickets resolved, and of them resolved by their
    resolve-by. Only tickets now resolved or closed count: a reopened one was not really resolved."""
    month = city_month_sql(Ticket.resolved_at)
    on_time = func.sum(case((Ticket.resolved_at <= Ticket.resolve_by, 1), else_=0))
    query = (
        select(month, func.count(), on_time)
        .where(
            scope_clause(Ticket, user),
            *clauses(filters, at),
            Ticket.resolved_at.is_not(None),
            Ticket.status.in_((TicketStatus.resolved, TicketStatus.closed)),
        )
        .group_by(month)
        .order_by(month)
    )
    return [{"month": m, "resolved": n, "on_time": int(ok or 0)} for m, n, ok in db.session.execute(query)]


def compounds_by_id(user, ids) -> dict[int, Compound]:
    ids = set(ids)
    if not ids:
        return {}
    return {c.id: c for c in db.session.scalars(visible(Compound, user).where(Compound.id.in_(ids)))}


def firm_names(ids) -> dict[int, str]:
    """Names of the assignee firms of a page's rows: a ticket in sight names its assignee."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(Firm.id, Firm.name).where(Firm.id.in_(ids))).all())


def visible_compounds(user) -> list[Compound]:
    return list(db.session.scalars(visible(Compound, user).order_by(Compound.code)))


def visible_streets(user) -> dict[int, str]:
    """The streets of the compounds in sight, for the board's street filter."""
    query = (
        select(Street.id, Street.name)
        .where(Street.id.in_(select(Compound.street_id).where(scope_clause(Compound, user))))
        .order_by(Street.name)
    )
    return dict(db.session.execute(query).all())


def buildings_of(compound_id: int) -> list[Building]:
    return list(db.session.scalars(select(Building).where(Building.compound_id == compound_id).order_by(Building.name)))


def _city_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=CITY_TZ)
