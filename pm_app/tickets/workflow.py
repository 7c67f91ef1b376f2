"""The ticket workflow as data: which transitions exist, and which party may make each.

    new → assigned → in_progress → resolved → closed
    resolved → reopened → in_progress          (within REOPEN_DAYS of the resolution)
    new | assigned → rejected                   (with a reason)

Parties: `office` (the compound's street office, the regulator, admin), `assignee` (staff of the
firm the ticket is assigned to: the property firm, or the contractor for a warranty claim),
`confirmer` (the compound's committee, the office, or the public reporter by tracking code).
"""

from __future__ import annotations

from datetime import timedelta

from pm_app.tickets.models import TicketStatus as S

REOPEN_DAYS = 7

TRANSITIONS: dict[tuple[S, S], frozenset[str]] = {
    (S.new, S.assigned): frozenset({"office", "assignee"}),  # the office dispatches, or the assignee accepts
    (S.assigned, S.in_progress): frozenset({"assignee"}),
    (S.reopened, S.in_progress): frozenset({"assignee"}),
    (S.in_progress, S.resolved): frozenset({"assignee"}),
    (S.resolved, S.closed): frozenset({"confirmer"}),
    (S.resolved, S.reopened): frozenset({"confirmer"}),
    (S.new, S.rejected): frozenset({"office"}),
    (S.assigned, S.rejected): frozenset({"office"}),
}

NOTE_REQUIRED = {S.rejected, S.reopened}
OPEN = (S.new, S.assigned, S.in_progress, S.reopened)
FINISHED = (S.closed, S.rejected)
REOPEN_WINDOW = timedelta(days=REOPEN_DAYS)


def allowed_from(status: S) -> list[S]:
    return [to for (frm, to) in TRANSITIONS if frm == status]


def parties_for(frm: S, to: S) -> frozenset[str]:
    return TRANSITIONS.get((frm, to), frozenset())
