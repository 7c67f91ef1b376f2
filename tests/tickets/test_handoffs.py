"""Hand-offs on the ticket page and the API: escalation (the street office's form, which keeps what
was typed when refused), dispatch to a named person (who may be named, the 422 naming `user_id`,
the timeline, the person's queue), and the single workflow of a warranty ticket and its claim.

Text assertions read the English page (?lang=en)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pm_app.auth.models import Role
from pm_app.extensions import db
from pm_app.tickets.models import Priority, TicketEvent, TicketStatus
from pm_app.warranties.models import ClaimState, WarrantyClaim
from tests.factories import UserFactory
from tests.tickets.conftest import items, move  # noqa: F401  (the fixture)
from tests.tickets.pages import build, hours_ago, ids_in_order, login, page, switch


@pytest.fixture
def staff(city):
    """A second firm member (the one dispatched to), an inactive one, and another firm's."""
    return {
        "worker": UserFactory(role=Role.firm_staff, firm=city.firm, display_name="王师傅"),
        "gone": UserFactory(role=Role.firm_staff, firm=city.firm, display_name="离职员工", active=False),
        "other": UserFactory(role=Role.firm_staff, firm=city.other_firm, display_name="乙物业员工"),
        "mason": UserFactory(role=Role.contractor_staff, firm=city.contractor, display_name="丙建设师傅"),
    }


def _dispatch(api, user, ticket_id, person_id):
    return api.as_(user).post(f"/api/v1/tickets/{ticket_id}/dispatch?lang=en", json={"user_id": person_id})


# --- escalation --------------------------------------------------------------------------------


def test_the_street_office_escalates_from_the_ticket_page(client, city):
    ticket = build(city, hours_ago(1))
    body = page(login(client, city.users["street_officer"]), f"/tickets/{ticket.id}?lang=en")
    assert 'id="escalate"' in body
    # only the priorities above the ticket's are offered, by their labels
    assert '<option value="high">High</option>' in body and 'value="low"' not in body.split('id="escalate"')[1]
    response = client.post(
        f"/tickets/{ticket.id}/escalate", data={"escalate-priority": "emergency", "escalate-reason": "积水已进入配电间"}
    )
    assert response.status_code == 302
    assert ticket.priority == Priority.emergency
    assert (
        db.session.scalars(
            select(TicketEvent.note).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id.desc())
        )
        .first()
        .endswith("积水已进入配电间")
    )


def test_a_refused_escalation_keeps_what_was_typed_and_names_the_field(client, city):
    ticket = build(city, hours_ago(1))
    login(client, city.users["street_officer"])
    response = client.post(
        f"/tickets/{ticket.id}/escalate?lang=en", data={"escalate-priority": "high", "escalate-reason": "  "}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "Say why the ticket is escalated." in body
    assert '<option selected value="high">' in body or '<option value="high" selected>' in body
    assert ticket.priority == Priority.normal


@pytest.mark.parametrize("role", ["firm_staff", "committee_member", "contractor_staff"])
def test_only_the_office_is_offered_and_may_use_the_escalation_form(client, city, role):
    ticket = build(city, hours_ago(1))
    login(client, city.users[role])
    if role != "contractor_staff":  # a contractor does not see a ticket that is not its claim
        assert 'id="escalate"' not in page(client, f"/tickets/{ticket.id}")
    response = client.post(
        f"/tickets/{ticket.id}/escalate", data={"escalate-priority": "high", "escalate-reason": "急"}
    )
    assert response.status_code in (403, 404) and ticket.priority == Priority.normal


# --- dispatch ----------------------------------------------------------------------------------


def test_the_office_offers_the_firms_active_staff_and_its_own_officers(api, city, staff):
    ticket = build(city, hours_ago(1))
    people = {
        p["name"] for p in api.as_(city.users["street_officer"]).get(f"/api/v1/tickets/{ticket.id}/dispatch").json
    }
    officer = city.users["street_officer"]
    assert people == {
        "王师傅",
        city.users["firm_staff"].display_name or city.users["firm_staff"].username,
        officer.display_name or officer.username,
    }
    # the firm dispatches to its own staff only; the committee to nobody
    firm_people = {p["id"] for p in api.as_(city.users["firm_staff"]).get(f"/api/v1/tickets/{ticket.id}/dispatch").json}
    assert firm_people == {staff["worker"].id, city.users["firm_staff"].id}
    assert api.as_(city.users["committee_member"]).get(f"/api/v1/tickets/{ticket.id}/dispatch").json == []


def test_dispatching_a_new_ticket_assigns_it_to_the_person_and_records_it(api, city, staff):
    ticket = build(city, hours_ago(1))
    response = _dispatch(api, city.users["street_officer"], ticket.id, staff["worker"].id)
    assert response.status_code == 200, response.json
    assert response.json["assignee_user_id"] == staff["worker"].id and response.json["status"] == "assigned"
    event = db.session.scalars(
        select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id.desc())
    ).first()
    assert (event.from_status, event.to_status, event.note) == ("new", "assigned", "dispatched to 王师傅")


@pytest.mark.parametrize("who", ["gone", "other", "mason"])
def test_dispatching_to_someone_not_eligible_is_422_naming_user_id(api, city, staff, who):
    ticket = build(city, hours_ago(1))
    response = _dispatch(api, city.users["street_officer"], ticket.id, staff[who].id)
    assert response.status_code == 422 and set(response.json["errors"]) == {"user_id"}
    assert ticket.assignee_user_id is None and ticket.status == TicketStatus.new


def test_the_committee_may_not_dispatch_and_a_closed_ticket_is_not_dispatched(api, city, staff):
    ticket = build(city, hours_ago(1))
    assert _dispatch(api, city.users["committee_member"], ticket.id, staff["worker"].id).status_code == 403
    closed = build(city, hours_ago(5), status="closed")
    assert _dispatch(api, city.users["firm_staff"], closed.id, staff["worker"].id).status_code == 409


def test_the_firm_dispatches_from_the_page_and_the_person_finds_it_in_their_queue(client, city, staff):
    mine, other = build(city, hours_ago(2)), build(city, hours_ago(1))
    login(client, city.users["firm_staff"])
    body = page(client, f"/tickets/{mine.id}?lang=en")
    assert 'id="dispatch"' in body and "王师傅" in body and "离职员工" not in body
    assert client.post(f"/tickets/{mine.id}/dispatch", data={"dispatch-user_id": staff["worker"].id}).status_code == 302
    switch(client, staff["worker"])
    assert ids_in_order(page(client, "/tickets/queue?mine=1")) == [mine.id]
    assert set(ids_in_order(page(client, "/tickets/queue"))) == {mine.id, other.id}
    assert "王师傅" in page(client, f"/tickets/{mine.id}")


def test_a_refused_dispatch_form_names_the_field_and_keeps_the_page(client, city, staff):
    ticket = build(city, hours_ago(1))
    login(client, city.users["street_officer"])
    response = client.post(f"/tickets/{ticket.id}/dispatch?lang=en", data={"dispatch-user_id": staff["other"].id})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "not someone this ticket can be dispatched to" in body
    assert 'id="dispatch"' in body and ticket.assignee_user_id is None


def test_rerouting_to_another_firm_forgets_the_person(api, city, staff, items):
    ticket = build(city, hours_ago(1), item=items["pipe"])  # in warranty: the contractor's
    assert _dispatch(api, city.users["street_officer"], ticket.id, staff["mason"].id).status_code == 200
    response = api.as_(city.users["street_officer"]).post(
        f"/api/v1/tickets/{ticket.id}/route", json={"responsible_party": "property_firm", "reason": "非质保问题"}
    )
    assert response.status_code == 200 and response.json["assignee_user_id"] is None


# --- a warranty ticket and its claim: one workflow ---------------------------------------------


def _claim(ticket) -> WarrantyClaim:
    return db.session.get(WarrantyClaim, ticket.claim_id)


def test_resolving_a_warranty_ticket_settles_its_claim_and_a_reopen_opens_it_again(api, city, items):
    ticket = build(city, hours_ago(3), item=items["pipe"])
    contractor = city.users["contractor_staff"]
    for to in ("assigned", "in_progress"):
        assert move(api, contractor, ticket.id, to).status_code == 200
    assert _claim(ticket).state == ClaimState.open
    assert move(api, contractor, ticket.id, "resolved").status_code == 200
    assert _claim(ticket).state == ClaimState.closed
    assert move(api, city.users["street_officer"], ticket.id, "reopened", note="又漏了").status_code == 200
    assert _claim(ticket).state == ClaimState.open


def test_the_contractors_home_counts_as_many_open_claims_as_warranty_tickets_in_its_queue(client, api, city, items):
    contractor = city.users["contractor_staff"]
    tickets = [build(city, hours_ago(10 - n), item=items["pipe"], description=f"雨水管漏水 {n}") for n in range(3)]
    for ticket in tickets[:2]:
        for to in ("assigned", "in_progress", "resolved"):
            assert move(api, contractor, ticket.id, to).status_code == 200
    login(client, contractor)
    queue = ids_in_order(page(client, "/tickets/queue"))
    home = page(client, "/?lang=en")
    assert queue == [tickets[2].id]
    open_claims = db.session.scalars(select(WarrantyClaim).where(WarrantyClaim.state == ClaimState.open)).all()
    assert [c.ticket_id for c in open_claims] == queue
    assert home.count('href="/tickets/' + str(tickets[2].id) + '"') >= 1
    assert all(f'href="/tickets/{t.id}"' not in home for t in tickets[:2])


def test_the_api_lists_the_tickets_dispatched_to_a_person(api, city, staff):
    mine, other = build(city, hours_ago(2)), build(city, hours_ago(1))
    assert _dispatch(api, city.users["street_officer"], mine.id, staff["worker"].id).status_code == 200
    listed = api.as_(staff["worker"]).get(f"/api/v1/tickets?assignee_user_id={staff['worker'].id}&open=true")
    assert listed.status_code == 200 and [t["id"] for t in listed.json] == [mine.id]
    assert other.id in {t["id"] for t in api.as_(staff["worker"]).get("/api/v1/tickets").json}
