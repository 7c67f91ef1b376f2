"""`ticket_overdue`: an open ticket past a deadline (tickets.sla), one alert per ticket.

Stage `respond` while nobody has answered it by its respond-by time, `resolve` once it is past its
resolve-by time (the alert moves along); it clears when the ticket is answered, resolved,
closed or rejected. The assignee always hears of it (the property firm, or the contractor for a
warranty claim); the street office too when nobody answered in time, for every emergency, and
when the ticket has no assignee at all. Sweeps run every 15 minutes: an emergency must be
answered within the hour.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from pm_app.alerts.rules import Audience, Finding, alert_rule
from pm_app.extensions import db
from pm_app.org.models import Compound
from pm_app.tickets import sla
from pm_app.tickets.models import Priority, ResponsibleParty, Ticket

SUMMARY_CHARS = 30


def stage_of(resolve_by: datetime, at: datetime) -> str:
    """Past resolve-by is the graver miss; before it, the ticket is overdue only for lack of an answer."""
    return "resolve" if at > resolve_by else "respond"


def audiences_of(
    party: ResponsibleParty, firm_id: int | None, street_id: int, stage: str, priority: Priority
) -> tuple[Audience, ...]:
    found: list[Audience] = []
    if firm_id is not None:
        found.append(("contractor" if party == ResponsibleParty.contractor_warranty else "firm", firm_id))
    if firm_id is None or stage == "respond" or priority == Priority.emergency:
        found.append(("street", street_id))
    return tuple(found)


@alert_rule("ticket_overdue", "An open ticket is past its respond-by or resolve-by time")
def ticket_overdue(_as_of: date, at: datetime) -> list[Finding]:
    rows = db.session.execute(
        select(
            Ticket.id,
            Ticket.tracking_code,
            Ticket.description,
            Ticket.priority,
            Ticket.respond_by,
            Ticket.resolve_by,
            Ticket.responsible_party,
            Ticket.assignee_firm_id,
            Compound.id,
            Compound.street_id,
            Compound.name,
        )
        .join(Compound, Compound.id == Ticket.compound_id)
        .where(sla.overdue_clause(at))
        .order_by(Ticket.id)
    )
    findings = []
    for ticket_id, code, text, priority, respond_by, resolve_by, party, firm_id, compound_id, street_id, name in rows:
        stage = stage_of(resolve_by, at)
        summary = text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS] + "…"
        if stage == "respond":
            title = f"{name}：工单 {code}「{summary}」已超过响应时限，尚无人响应"
        else:
            title = f"{name}：工单 {code}「{summary}」已超过办结时限，仍未解决"
        critical = stage == "resolve" or priority == Priority.emergency
        findings.append(
            Finding(
                "ticket",
                ticket_id,
                title,
                severity="critical" if critical else "warning",
                stage=stage,
                compound_id=compound_id,
                firm_id=firm_id,
                due_on=(respond_by if stage == "respond" else resolve_by).date(),
                audiences=audiences_of(party, firm_id, street_id, stage, priority),
            )
        )
    return findings
