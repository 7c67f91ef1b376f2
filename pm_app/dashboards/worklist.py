"""What awaits the reader, on their home: "2 张工单待您确认", "1 条账目质询待回复", "3 张工单派给您".
Each line is a count and a link to the list it counts, and is counted by that list's own query
(the board's, the queue's, the queries page's), so the number is what the link shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from pm_app.auth.models import Role
from pm_app.committees import queries as ledger_queries
from pm_app.common.clock import now
from pm_app.extensions import db
from pm_app.rankings import appeal_list
from pm_app.rankings.models import AppealState
from pm_app.rankings.periods import can_run
from pm_app.tickets import queries
from pm_app.tickets.models import TicketStatus

FIRM_ROLES = (Role.firm_staff, Role.contractor_staff)


@dataclass(frozen=True)
class Item:
    key: str
    count: int
    text: str
    href: str


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def items(user, at: datetime) -> list[Item]:
    """The reader's waiting work, those with nothing waiting left out."""
    found: list[Item] = []

    def add(key, query, singular, plural, href):
        n = _count(query)
        if n:
            found.append(Item(key, n, ngettext(singular, plural, n), href))

    if user.role in FIRM_ROLES and user.firm_id:
        add(
            "dispatched",
            queries.queue_query(user, queries.Filters(assignee_user_id=user.id), at),
            "%(num)d ticket dispatched to you",
            "%(num)d tickets dispatched to you",
            url_for("ticket_lists.queue", mine=1),
        )
        add(
            "new",
            queries.queue_query(user, queries.Filters(status=TicketStatus.new), at),
            "%(num)d new ticket to accept",
            "%(num)d new tickets to accept",
            url_for("ticket_lists.queue", status="new"),
        )
    if user.role in (Role.street_officer, Role.committee_member):  # the confirmers with a home to read it on
        add(
            "confirm",
            queries.board_query(user, queries.Filters(status=TicketStatus.resolved), at),
            "%(num)d ticket awaiting your confirmation",
            "%(num)d tickets awaiting your confirmation",
            url_for("ticket_lists.board", status="resolved"),
        )
    if user.role == Role.street_officer:
        add(
            "dispatched",
            queries.board_query(user, queries.Filters(assignee_user_id=user.id, open=True), at),
            "%(num)d ticket dispatched to you",
            "%(num)d tickets dispatched to you",
            url_for("ticket_lists.board", mine=1, open=1),
        )
    if user.role == Role.committee_member:
        add(
            "queries",
            ledger_queries.listed(user, open_only=True),
            "%(num)d ledger query awaiting an answer",
            "%(num)d ledger queries awaiting an answer",
            url_for("accounts.queries_list", open=1),
        )
    elif user.role in (Role.firm_staff, Role.street_officer):
        add(
            "queries",
            ledger_queries.listed(user, open_only=True),
            "%(num)d ledger query to answer",
            "%(num)d ledger queries to answer",
            url_for("accounts.queries_list", open=1),
        )
    # appeals: the regulator decides them (rankings.periods.can_run), the firm waits on its own
    if can_run(user):
        add(
            "appeals",
            appeal_list.listed(user, AppealState.pending),
            "%(num)d appeal awaiting your decision",
            "%(num)d appeals awaiting your decision",
            url_for("rankings.appeals", state="pending"),
        )
    elif user.role == Role.firm_staff and user.firm_id:
        add(
            "appeals",
            appeal_list.listed(user, AppealState.pending),
            "%(num)d of your appeals awaiting the regulator",
            "%(num)d of your appeals awaiting the regulator",
            url_for("rankings.appeals", state="pending"),
        )
    return found


def for_reader() -> list[Item]:
    """The homes' template global `worklist()`."""
    return items(current_user, now())
