"""SLA deadlines with the clock frozen (time-machine), overdue computed at the moment asked and
never for finished tickets, routing on the warranty's last covered day, and the ticket_overdue
alert: its stages, who hears of it, and that it clears."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from pm_app.alerts.models import AlertRecipient
from pm_app.common.clock import CITY_TZ
from pm_app.extensions import db
from pm_app.tickets import sla
from pm_app.tickets.models import Ticket
from tests.alerts.helpers import alerts, sweep
from tests.tickets.conftest import move, report

MONDAY_9AM = datetime(2026, 3, 2, 9, 0, tzinfo=CITY_TZ)


def at(hours: float) -> datetime:
    return MONDAY_9AM + timedelta(hours=hours)


@pytest.mark.parametrize(
    "priority,source,respond,resolve",
    [
        ("emergency", "phone", at(1), at(24)),
        ("high", "phone", at(4), at(72)),
        ("normal", "phone", at(24), at(168)),
        ("low", "phone", at(72), at(360)),
        ("low", "hotline_12345", at(24), at(360)),  # 12345: answered within a day whatever the priority
        ("emergency", "hotline_12345", at(1), at(24)),  # … and never later than its priority asks
    ],
)
def test_deadlines_follow_the_priority(api, city, priority, source, respond, resolve):
    with time_machine.travel(MONDAY_9AM, tick=False):
        ticket = report(api, city.users["street_officer"], city.compound.id, priority=priority, source=source).json
    assert (datetime.fromisoformat(ticket["respond_by"]), datetime.fromisoformat(ticket["resolve_by"])) == (
        respond,
        resolve,
    )


def test_the_hours_are_configurable(app, api, city, monkeypatch):
    monkeypatch.setitem(app.config, "TICKET_SLA_HOURS", {"normal": (2, 48)})
    with time_machine.travel(MONDAY_9AM, tick=False):
        ticket = report(api, city.users["street_officer"], city.compound.id).json
    assert datetime.fromisoformat(ticket["resolve_by"]) == at(48)
    assert datetime.fromisoformat(ticket["respond_by"]) == at(2)


def _overdue_ids(api, user) -> set[int]:
    return {t["id"] for t in api.as_(user).get("/api/v1/tickets?overdue=true").json}


def test_overdue_is_computed_when_asked_and_never_for_finished_tickets(api, city):
    officer, firm = city.users["street_officer"], city.users["firm_staff"]
    with time_machine.travel(MONDAY_9AM, tick=False):
        quiet = report(api, officer, city.compound.id, priority="high").json["id"]  # 4 h / 72 h
        worked = report(api, officer, city.compound.id, priority="high").json["id"]
        done = report(api, officer, city.compound.id, priority="high").json["id"]
    with time_machine.travel(at(3), tick=False):
        assert _overdue_ids(api, officer) == set()
        for to in ("assigned", "in_progress"):
            move(api, firm, worked, to)
        for to in ("assigned", "in_progress", "resolved"):
            move(api, firm, done, to)
    with time_machine.travel(at(4) + timedelta(seconds=1), tick=False):
        assert _overdue_ids(api, officer) == {quiet}  # nobody answered it in 4 hours
        assert api.as_(officer).get(f"/api/v1/tickets/{quiet}").json["overdue"] is True
    with time_machine.travel(at(72) + timedelta(seconds=1), tick=False):
        assert _overdue_ids(api, officer) == {quiet, worked}  # resolved ones never are
        assert api.as_(officer).get(f"/api/v1/tickets/{done}").json["overdue"] is False
        move(api, officer, done, "closed", satisfaction=5)
        assert api.as_(officer).get(f"/api/v1/tickets/{done}").json["overdue"] is False


def test_the_sql_test_and_the_python_one_agree(api, city):
    officer, firm = city.users["street_officer"], city.users["firm_staff"]
    with time_machine.travel(MONDAY_9AM, tick=False):
        ids = [
            report(api, officer, city.compound.id, priority=p).json["id"]
            for p in ("emergency", "high", "normal", "low")
        ]
        move(api, firm, ids[1], "assigned")
        move(api, firm, ids[2], "assigned")
        move(api, firm, ids[2], "in_progress")
    for hours in (0.5, 1.01, 4.01, 24.01, 72.01, 168.01, 400):
        moment = at(hours)
        in_sql = set(db.session.scalars(db.select(Ticket.id).where(sla.overdue_clause(moment))))
        in_python = {t.id for t in db.session.scalars(db.select(Ticket)) if sla.overdue(t, moment)}
        assert in_sql == in_python, hours


@pytest.mark.parametrize(
    "moment,party",
    [
        (datetime(2028, 6, 29, 23, 59, tzinfo=CITY_TZ), "contractor_warranty"),  # the last covered day
        (datetime(2028, 6, 30, 0, 0, tzinfo=CITY_TZ), "property_firm"),  # the end date is not covered
    ],
)
def test_routing_on_the_boundary_day_uses_the_citys_date(api, city, items, moment, party):
    with time_machine.travel(moment, tick=False):
        ticket = report(api, city.users["street_officer"], city.compound.id, warranty_item_id=items["pipe"].id).json
    assert ticket["responsible_party"] == party


def _recipients(alert) -> set[tuple[str, int]]:
    return {
        (r.audience, r.org_id)
        for r in db.session.scalars(db.select(AlertRecipient).where(AlertRecipient.alert_id == alert.id))
    }


def test_ticket_overdue_moves_from_respond_to_resolve_and_clears(api, city):
    officer, firm = city.users["street_officer"], city.users["firm_staff"]
    with time_machine.travel(MONDAY_9AM, tick=False):
        ticket_id = report(api, officer, city.compound.id, priority="high").json["id"]
    sweep("ticket_overdue", at(3).date(), at=at(3))
    assert alerts("ticket_overdue") == []
    sweep("ticket_overdue", at(5).date(), at=at(5))
    sweep("ticket_overdue", at(5.25).date(), at=at(5.25))  # the next quarter-hour: still one alert
    (alert,) = alerts("ticket_overdue")
    assert (alert.subject_id, alert.stage, alert.severity) == (ticket_id, "respond", "warning")
    # Nobody answered: the firm and the street office hear of it.
    assert _recipients(alert) == {("firm", city.firm.id), ("street", city.street.id)}
    with time_machine.travel(at(6), tick=False):
        move(api, firm, ticket_id, "assigned")
        move(api, firm, ticket_id, "in_progress")
    sweep("ticket_overdue", at(6).date(), at=at(6))
    assert alerts("ticket_overdue")[0].state == "resolved"  # answered: cleared
    sweep("ticket_overdue", at(73).date(), at=at(73))
    late = [a for a in alerts("ticket_overdue") if a.state != "resolved"]
    assert [(a.stage, a.severity) for a in late] == [("resolve", "critical")]
    assert _recipients(late[0]) == {("firm", city.firm.id)}  # answered but late: the firm's to fix


def test_an_emergency_and_a_warranty_claim_reach_the_right_people(api, city, items):
    officer = city.users["street_officer"]
    with time_machine.travel(MONDAY_9AM, tick=False):
        report(api, officer, city.compound.id, priority="emergency", warranty_item_id=items["pipe"].id)
    sweep("ticket_overdue", at(25).date(), at=at(25))
    (alert,) = alerts("ticket_overdue")
    assert (alert.stage, alert.severity) == ("resolve", "critical")
    assert _recipients(alert) == {("contractor", city.contractor.id), ("street", city.street.id)}
