"""Every transition, from every status to every status, tried by every role: the workflow's
table of design §2 written out by hand here, so a change to the rules shows up as a failure.

A ticket in the city's compound, assigned to the property firm `city.firm`. Parties per role
(see tickets.workflow): the street office and the city are `office` and `confirmer`, the firm's
staff the `assignee`, the committee a `confirmer`. Roles that cannot see the ticket get 404 for
anything, before the workflow is even consulted.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from pm_app.auth.models import Role
from pm_app.common.clock import now
from pm_app.extensions import db
from pm_app.tickets.models import Ticket, TicketStatus
from tests.factories import UserFactory
from tests.tickets.conftest import move, report

STATUSES = [s.value for s in TicketStatus]

# (from, to) → the parties who may do it. Anything else is 409.
ALLOWED = {
    ("new", "assigned"): {"office", "assignee"},
    ("assigned", "in_progress"): {"assignee"},
    ("reopened", "in_progress"): {"assignee"},
    ("in_progress", "resolved"): {"assignee"},
    ("resolved", "closed"): {"confirmer"},
    ("resolved", "reopened"): {"confirmer"},
    ("new", "rejected"): {"office"},
    ("assigned", "rejected"): {"office"},
}

ROLE_PARTIES = {
    "admin": {"office", "confirmer"},
    "regulator": {"office", "confirmer"},
    "street_officer": {"office", "confirmer"},
    "firm_staff": {"assignee"},
    "committee_member": {"confirmer"},
    "contractor_staff": None,  # not its claim: cannot see it
    "other_street": None,
    "other_firm": None,
    "other_committee": None,
}


def _body(to: str) -> dict:
    if to == "closed":
        return {"satisfaction": 4}
    return {"note": "理由"} if to in ("rejected", "reopened") else {}


@pytest.mark.parametrize("frm", STATUSES)
def test_every_transition_by_every_role(api, city, users, frm):
    ticket_id = report(api, city.users["street_officer"], city.compound.id).json["id"]
    outcomes = {}
    for to in STATUSES:
        for role, role_parties in ROLE_PARTIES.items():
            ticket = db.session.get(Ticket, ticket_id)
            ticket.status, ticket.resolved_at = TicketStatus(frm), now() - timedelta(hours=1)
            db.session.flush()
            response = move(api, users[role], ticket_id, to, **_body(to))
            if role_parties is None:
                expected = 404
            elif (frm, to) not in ALLOWED:
                expected = 409
            else:
                expected = 200 if ALLOWED[(frm, to)] & role_parties else 403
            outcomes[(to, role)] = (response.status_code, expected)
    wrong = {key: got for key, got in outcomes.items() if got[0] != got[1]}
    assert wrong == {}, f"from {frm}: (got, expected) {wrong}"


def test_a_refusal_names_the_allowed_transitions_and_changes_nothing(api, city):
    ticket = report(api, city.users["street_officer"], city.compound.id).json
    response = move(api, city.users["firm_staff"], ticket["id"], "closed", satisfaction=5)
    assert response.status_code == 409
    assert response.json["message"] == "A new ticket cannot become closed; allowed: assigned, rejected."
    detail = api.as_(city.users["street_officer"]).get(f"/api/v1/tickets/{ticket['id']}").json
    assert detail["status"] == "new" and [e["to"] for e in detail["events"]] == ["new"]


def test_reject_and_reopen_need_a_reason(api, city):
    officer, firm = city.users["street_officer"], city.users["firm_staff"]
    ticket = report(api, officer, city.compound.id).json
    response = move(api, officer, ticket["id"], "rejected", note="  ")
    assert response.status_code == 422 and response.json["errors"] == {
        "note": ["required when the ticket becomes rejected"]
    }
    for to in ("assigned", "in_progress", "resolved"):
        assert move(api, firm, ticket["id"], to).status_code == 200
    assert move(api, officer, ticket["id"], "reopened").status_code == 422
    reopened = move(api, officer, ticket["id"], "reopened", note="还在漏")
    assert reopened.status_code == 200 and reopened.json["events"][-1]["note"] == "还在漏"


def test_reopening_is_allowed_for_seven_days_after_resolution(api, city):
    officer, firm = city.users["street_officer"], city.users["firm_staff"]
    ticket_id = report(api, officer, city.compound.id).json["id"]
    for to in ("assigned", "in_progress", "resolved"):
        move(api, firm, ticket_id, to)
    ticket = db.session.get(Ticket, ticket_id)
    ticket.resolved_at = now() - timedelta(days=7, minutes=1)
    db.session.flush()
    late = move(api, officer, ticket_id, "reopened", note="又坏了")
    assert late.status_code == 409 and late.json["errors"] == {"to": ["the 7 days to reopen have passed"]}
    ticket.resolved_at = now() - timedelta(days=6, hours=23)
    db.session.flush()
    assert move(api, officer, ticket_id, "reopened", note="又坏了").status_code == 200


def test_a_rating_is_only_given_when_closing_and_within_1_to_5(api, city):
    officer, firm, committee = (city.users[r] for r in ("street_officer", "firm_staff", "committee_member"))
    ticket_id = report(api, officer, city.compound.id).json["id"]
    assert move(api, firm, ticket_id, "assigned", satisfaction=5).status_code == 422
    for to in ("assigned", "in_progress", "resolved"):
        assert move(api, firm, ticket_id, to).status_code == 200
    assert move(api, committee, ticket_id, "closed", satisfaction=6).json["errors"] == {
        "satisfaction": ["Must be greater than or equal to 1 and less than or equal to 5."]
    }
    closed = move(api, committee, ticket_id, "closed", satisfaction=2, comment="慢")
    assert (closed.json["satisfaction"], closed.json["satisfaction_comment"]) == (2, "慢")


def test_escalation_raises_the_priority_and_only_brings_deadlines_forward(api, city):
    officer, firm = city.users["street_officer"], city.users["firm_staff"]
    ticket = report(api, officer, city.compound.id, priority="low").json
    url = f"/api/v1/tickets/{ticket['id']}/escalate?lang=en"
    assert api.as_(firm).post(url, json={"priority": "high", "reason": "x"}).status_code == 403
    assert api.as_(officer).post(url, json={"priority": "low", "reason": "x"}).json["errors"] == {
        "priority": ["higher than Low"]
    }
    raised = api.as_(officer).post(url, json={"priority": "emergency", "reason": "顶楼漏水进屋"})
    assert raised.status_code == 200 and raised.json["priority"] == "emergency"
    detail = db.session.get(Ticket, ticket["id"])
    assert detail.respond_by - detail.events[-1].at == timedelta(hours=1)
    assert detail.resolve_by - detail.events[-1].at == timedelta(hours=24)
    assert "escalated from Low to Emergency: 顶楼漏水进屋" == detail.events[-1].note
    other = UserFactory(role=Role.street_officer, streets=[city.other_street])
    assert api.as_(other).post(url, json={"priority": "emergency", "reason": "x"}).status_code == 404
