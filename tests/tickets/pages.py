"""Builders of the ticket page tests: tickets reported through the service, then set back in
time (created, deadlines) or along the workflow by setting their fields, so lists can be
ordered and counted against hand-computed expectations; and the page helpers others share."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import current_app

from pm_app.common.clock import now
from pm_app.extensions import db
from pm_app.tickets import services, sla
from pm_app.tickets.models import Priority, TicketSource, TicketStatus
from tests.fees.pages import hidden, login, page, statements  # noqa: F401  (shared helpers)


def hours_ago(hours: float) -> datetime:
    return now() - timedelta(hours=hours)


def build(
    city,
    created: datetime | None = None,
    compound=None,
    priority="normal",
    source="phone",
    category="water_leak",
    item=None,
    description="3号楼雨水管漏水",
    **fields,
):
    """A ticket as the street office reports it, created at `created` with the deadlines its
    priority gives from then; `fields` set anything else (status, responded_at, resolved_at…)."""
    contact = {k: fields.pop(k) for k in ("reporter_name", "reporter_phone") if k in fields}
    with current_app.test_request_context():  # the service words its event note in the reader's language
        ticket = services.report(
            city.users["admin"],
            compound or city.compound,
            {
                "category": category,
                "priority": Priority(priority),
                "description": description,
                "warranty_item_id": item.id if item else None,
                **contact,
            },
            TicketSource(source),
        )
    if created is not None:
        ticket.created_at = ticket.reported_at = created
        ticket.respond_by, ticket.resolve_by = sla.deadlines(ticket.priority, ticket.source, created)
    for name, value in fields.items():
        setattr(ticket, name, TicketStatus(value) if name == "status" else value)
    db.session.flush()
    return ticket


def ids_in_order(body: str) -> list[int]:
    """The tickets of a list page, in the order shown."""
    return [int(found) for found in re.findall(r'data-ticket="(\d+)"', body)]


def steps(body: str) -> set[str]:
    """The transitions the ticket page offers."""
    return set(re.findall(r'data-step="(\w+)"', body))


def switch(client, user):
    """Sign out whoever is signed in on `client`, then sign in `user`."""
    client.post("/logout")
    return login(client, user)
