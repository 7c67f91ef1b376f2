"""The 12345 reply (办结回复) of each resolved or closed hotline order: what the street office pastes
back into the platform, order by order. The reply is the note the assignee wrote when resolving
(the last `resolved` event with a note), else the note of its closing."""

from __future__ import annotations

from datetime import date

from flask import Response
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from pm_app.auth.scope import visible
from pm_app.common.cells import moment
from pm_app.common.clock import now, today
from pm_app.extensions import db
from pm_app.tickets import exports, queries
from pm_app.tickets.labels import ticket_label
from pm_app.tickets.models import Ticket, TicketEvent, TicketSource, TicketStatus

DONE = (TicketStatus.resolved, TicketStatus.closed)
# The platform's own column names: the Chinese of these msgids is what its reply sheet says.
HANDLED = _l("Handled")  # the platform's 已办结, for a resolved and for a closed order alike
COLUMNS = (_l("Order number"), _l("Time resolved"), _l("Handling result"), _l("Reply"), _l("Responsible unit"))


def replies(
    user, created_from: date | None = None, created_to: date | None = None, street_id: int | None = None
) -> list[dict]:
    filters = queries.Filters(
        source=TicketSource.hotline_12345, created_from=created_from, created_to=created_to, street_id=street_id
    )
    tickets = list(
        db.session.scalars(
            visible(Ticket, user)
            .where(*queries.clauses(filters, now()), Ticket.status.in_(DONE), Ticket.external_ref.is_not(None))
            .order_by(Ticket.resolved_at, Ticket.id)
        )
    )
    notes = _notes([t.id for t in tickets])
    firms = queries.firm_names(t.assignee_firm_id for t in tickets)
    return [
        {
            "ticket_id": t.id,
            "external_ref": t.external_ref,
            "resolved_at": t.resolved_at,
            "status": t.status.value,
            "status_label": str(HANDLED),
            "reply": notes.get(t.id, ""),
            "responsible_unit": firms.get(t.assignee_firm_id) or ticket_label(t.responsible_party),
        }
        for t in tickets
    ]


def _notes(ticket_ids: list[int]) -> dict[int, str]:
    """ticket id → its resolution note (a later one replaces an earlier, resolving after a reopening);
    the closing note only where the resolution said nothing."""
    found: dict[int, str] = {}
    closing: dict[int, str] = {}
    for start in range(0, len(ticket_ids), 500):
        for ticket_id, to, note in db.session.execute(
            select(TicketEvent.ticket_id, TicketEvent.to_status, TicketEvent.note)
            .where(
                TicketEvent.ticket_id.in_(ticket_ids[start : start + 500]),
                TicketEvent.to_status.in_([s.value for s in DONE]),
                TicketEvent.note.is_not(None),
            )
            .order_by(TicketEvent.id)
        ):
            (found if to == TicketStatus.resolved.value else closing)[ticket_id] = note
    return {ticket_id: found.get(ticket_id) or closing.get(ticket_id, "") for ticket_id in set(found) | set(closing)}


def download(fmt: str, rows: list[dict], scope: str = "") -> Response:
    def lines():
        for row in rows:
            yield [
                row["external_ref"],
                moment(row["resolved_at"]),
                row["status_label"],
                row["reply"],
                row["responsible_unit"],
            ]

    mimetype, write = exports.TYPES[fmt]
    body = write(lines(), [str(title) for title in COLUMNS], title=_("12345 replies"), scope=scope)
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="hotline-replies-{today():%Y%m%d}.{fmt}"'},
    )
