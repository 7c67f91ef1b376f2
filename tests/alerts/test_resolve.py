"""Resolving an alert by hand: an alert shared with the street office and the regulator is theirs
to resolve (a firm or a committee member used to close the street's contract alert unseen), and
every manual resolve records who did it and when."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pm_app.common.clock import now
from pm_app.extensions import db
from tests.alerts.helpers import alerts, contract_ends_in, sweep
from tests.tickets.pages import build


@pytest.fixture
def shared(city):
    """contract_expiring: addressed to the street office, the firm and the committee."""
    sweep("contract_expiring", contract_ends_in(city.contract, 40))
    (alert,) = alerts("contract_expiring")
    assert {r.audience for r in alert.recipients} >= {"street", "firm", "committee"}
    return alert


@pytest.mark.parametrize("role", ["firm_staff", "committee_member"])
def test_a_firm_or_committee_cannot_resolve_an_alert_shared_with_the_street(api, client, city, shared, role):
    user = city.users[role]
    assert api.as_(user).get(f"/api/v1/alerts/{shared.id}").status_code == 200  # they see it
    refused = api.as_(user).post(f"/api/v1/alerts/{shared.id}/resolve")
    assert refused.status_code == 403 and refused.json["code"]
    client.post("/login", data={"username": user.username, "password": "password123"})
    page = client.get("/alerts").get_data(as_text=True)
    assert f"/alerts/{shared.id}/ack" in page and f"/alerts/{shared.id}/resolve" not in page
    assert client.post(f"/alerts/{shared.id}/resolve").status_code == 403
    db.session.refresh(shared)
    assert (shared.state, shared.resolved_by_id) == ("open", None)
    assert api.as_(user).post(f"/api/v1/alerts/{shared.id}/ack").status_code == 200  # seen: yes


@pytest.mark.parametrize("role", ["street_officer", "regulator", "admin"])
def test_the_offices_resolve_it_and_who_and_when_are_recorded(api, city, shared, role):
    user = city.users[role]
    before = now()
    body = api.as_(user).post(f"/api/v1/alerts/{shared.id}/resolve").json
    assert (body["state"], body["resolution"], body["resolved_by_id"]) == ("resolved", "manual", user.id)
    db.session.refresh(shared)
    assert shared.resolved_by_id == user.id and shared.resolved_at >= before - timedelta(seconds=1)


def test_an_alert_for_the_firm_alone_is_the_firms_to_resolve(api, city):
    """Answered but past resolve-by: the overdue ticket is the firm's alone (tickets.rules)."""
    ticket = build(
        city, created=now() - timedelta(days=10), status="in_progress", responded_at=now() - timedelta(days=10)
    )
    sweep("ticket_overdue", now().date(), at=now())
    (alert,) = [a for a in alerts("ticket_overdue") if a.subject_id == ticket.id]
    assert {r.audience for r in alert.recipients} == {"firm"}
    firm = city.users["firm_staff"]
    body = api.as_(firm).post(f"/api/v1/alerts/{alert.id}/resolve").json
    assert (body["state"], body["resolved_by_id"]) == ("resolved", firm.id)
