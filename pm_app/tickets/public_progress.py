"""What the public tracking page tells a resident about their repair: the steps it has passed
(已受理 → 已派单 → 处理中 → 已办结 → 已确认) and when, what was done (the note written when it was
resolved) and the photos of the repair. Nothing else that staff wrote is shown: a rejection or a
re-routing note may name other residents.

Photos carry no "before/after" mark, so the rule is who and when: a photo of the repair is one a
signed-in person added once the work had started (the ticket's first move to in progress). The
reporter's own photo (uploaded without an account) and anything staff added before the work
started stay on the staff pages; the staff photo form says that later photos are shown here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from pm_app.extensions import db
from pm_app.tickets.models import Ticket, TicketAttachment
from pm_app.tickets.models import TicketStatus as S

STEPS = (
    (S.new, _l("Report received")),
    (S.assigned, _l("Dispatched to a repairer")),
    (S.in_progress, _l("Being repaired")),
    (S.resolved, _l("Repair done")),
    (S.closed, _l("Confirmed by the reporter")),
)
# Where each status stands on those steps: a reopened repair is being repaired again.
_POSITION = {S.new: 0, S.assigned: 1, S.in_progress: 2, S.reopened: 2, S.resolved: 3, S.closed: 4, S.rejected: 0}


@dataclass
class Step:
    label: str
    at: datetime | None  # the last time the ticket reached it; None when not reached (or not recorded)
    state: str  # "done", "current" or "todo"


def steps_of(ticket: Ticket) -> list[Step]:
    reached = {S.new: ticket.reported_at}
    for event in ticket.events:
        if event.from_status != event.to_status and event.to_status != S.new.value:
            reached[S(event.to_status)] = event.at
    position = _POSITION[ticket.status]
    return [
        Step(
            str(label),
            reached.get(status) if index <= position else None,
            "done"
            if index < position or status == S.closed == ticket.status
            else "current"
            if index == position
            else "todo",
        )
        for index, (status, label) in enumerate(STEPS)
    ]


def resolution_note(ticket: Ticket) -> str | None:
    """The note of the latest move to resolved: what the repairer says was done."""
    notes = [event.note for event in ticket.events if event.to_status == S.resolved.value]
    return (notes[-1] or "").strip() or None if notes else None


def after_photos(ticket: Ticket) -> list[TicketAttachment]:
    started = [event.at for event in ticket.events if event.to_status == S.in_progress.value]
    if not started:
        return []
    return list(
        db.session.scalars(
            select(TicketAttachment)
            .where(
                TicketAttachment.ticket_id == ticket.id,
                TicketAttachment.uploaded_by_id.is_not(None),
                TicketAttachment.created_at >= min(started),
            )
            .order_by(TicketAttachment.id)
        )
    )
