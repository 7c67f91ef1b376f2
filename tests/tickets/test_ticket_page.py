"""The ticket page's forms: only the steps the reader may take now are offered, each moves the
ticket and writes an event, refusals land on the form (422 naming the field, 409 for a step the
workflow forbids, 403 for another party's step), re-routing is the street office's, CSRF holds;
and the report form of a compound.

Text assertions read the English page (?lang=en)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pm_app.extensions import db
from pm_app.tickets.models import Ticket, TicketEvent, TicketStatus
from tests.fees.pages import csrf_login
from tests.tickets.conftest import items  # noqa: F401  (the fixture)
from tests.tickets.pages import build, hidden, hours_ago, login, page, steps


def _events(ticket) -> list[tuple]:
    return list(
        db.session.execute(
            select(TicketEvent.from_status, TicketEvent.to_status, TicketEvent.note)
            .where(TicketEvent.ticket_id == ticket.id)
            .order_by(TicketEvent.id)
        )
    )


@pytest.mark.parametrize(
    "status,role,offered",
    [
        ("new", "street_officer", {"assigned", "rejected"}),
        ("new", "regulator", {"assigned", "rejected"}),
        ("new", "firm_staff", {"assigned"}),
        ("new", "committee_member", set()),
        ("assigned", "firm_staff", {"in_progress"}),
        ("assigned", "street_officer", {"rejected"}),
        ("in_progress", "firm_staff", {"resolved"}),
        ("in_progress", "committee_member", set()),
        ("resolved", "committee_member", {"closed", "reopened"}),
        ("resolved", "firm_staff", set()),
        ("closed", "street_officer", set()),
    ],
)
def test_only_the_steps_the_reader_may_take_now_are_offered(client, city, status, role, offered):
    ticket = build(city, status=status, resolved_at=hours_ago(1) if status == "resolved" else None)
    assert steps(page(login(client, city.users[role]), f"/tickets/{ticket.id}")) == offered


def test_a_resolved_ticket_cannot_be_reopened_from_the_page_after_seven_days(client, city):
    ticket = build(city, status="resolved", resolved_at=hours_ago(24 * 7 + 1))
    assert steps(page(login(client, city.users["committee_member"]), f"/tickets/{ticket.id}")) == {"closed"}


def test_the_firm_takes_a_ticket_through_to_resolved_and_the_committee_closes_it_with_a_rating(client, city):
    ticket = build(city, hours_ago(2))
    login(client, city.users["firm_staff"])
    assert (
        client.post(f"/tickets/{ticket.id}/transitions/assigned", data={"assigned-note": "已派单"}).status_code == 302
    )
    assert client.post(f"/tickets/{ticket.id}/transitions/in_progress", data={}).status_code == 302
    response = client.post(f"/tickets/{ticket.id}/transitions/resolved", data={"resolved-cost": "1,250.50"})
    assert response.status_code == 302 and ticket.status == TicketStatus.resolved and ticket.cost_fen == 125050
    client.post("/logout")
    login(client, city.users["committee_member"])
    response = client.post(
        f"/tickets/{ticket.id}/transitions/closed?lang=en",
        data={"closed-satisfaction": "4", "closed-comment": "修得及时"},
    )
    assert response.status_code == 302
    assert (ticket.status, ticket.satisfaction, ticket.satisfaction_comment) == (TicketStatus.closed, 4, "修得及时")
    assert [(e[0], e[1]) for e in _events(ticket)] == [
        (None, "new"),
        ("new", "assigned"),
        ("assigned", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "closed"),
    ]
    assert _events(ticket)[1][2] == "已派单"
    body = page(client, f"/tickets/{ticket.id}?lang=en")
    assert 'data-field="satisfaction">4 / 5 · 修得及时' in body and "1,250.50 yuan" in body
    assert body.count("<tr data-event=") == 5 and "In progress → Resolved" in body


def test_rejecting_without_a_reason_is_refused_on_the_form(client, city):
    ticket = build(city)
    login(client, city.users["street_officer"])
    response = client.post(f"/tickets/{ticket.id}/transitions/rejected?lang=en", data={"rejected-note": " "})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "required when the ticket becomes rejected" in body
    assert ticket.status == TicketStatus.new and len(_events(ticket)) == 1
    response = client.post(f"/tickets/{ticket.id}/transitions/rejected", data={"rejected-note": "不属于维修范围"})
    assert response.status_code == 302 and ticket.status == TicketStatus.rejected and ticket.closed_at is not None


def test_a_bad_rating_or_cost_is_422_naming_the_field(client, city):
    resolved = build(city, status="resolved", resolved_at=hours_ago(1))
    working = build(city, status="in_progress", responded_at=hours_ago(1))
    login(client, city.users["committee_member"])
    response = client.post(f"/tickets/{resolved.id}/transitions/closed?lang=en", data={"closed-satisfaction": "9"})
    assert response.status_code == 422 and resolved.status == TicketStatus.resolved
    client.post("/logout")
    login(client, city.users["firm_staff"])
    response = client.post(f"/tickets/{working.id}/transitions/resolved?lang=en", data={"resolved-cost": "-3"})
    assert response.status_code == 422 and "cannot be negative" in response.get_data(as_text=True)
    assert working.status == TicketStatus.in_progress


def test_another_partys_step_is_403_and_a_step_the_workflow_forbids_is_409(client, city):
    ticket = build(city)
    login(client, city.users["firm_staff"])
    assert client.post(f"/tickets/{ticket.id}/transitions/rejected", data={"rejected-note": "x"}).status_code == 403
    response = client.post(f"/tickets/{ticket.id}/transitions/resolved?lang=en", data={})
    # said with the states' names (issue 27), not the service's codes ("allowed: assigned, rejected")
    assert (
        response.status_code == 409
        and "This ticket is now “New”: “Mark as Resolved” can no longer be done" in response.get_data(as_text=True)
    )
    assert client.post(f"/tickets/{ticket.id}/transitions/flying", data={}).status_code == 404
    client.post("/logout")
    login(client, city.users["committee_member"])
    assert client.post(f"/tickets/{ticket.id}/transitions/assigned", data={}).status_code == 403
    assert ticket.status == TicketStatus.new and len(_events(ticket)) == 1


@pytest.mark.parametrize("role", ["street_officer", "firm_staff", "committee_member", "contractor_staff"])
def test_posting_to_a_ticket_out_of_sight_is_404(client, city, role):
    foreign = build(city, compound=city.other)
    login(client, city.users[role])
    assert client.post(f"/tickets/{foreign.id}/transitions/assigned", data={}).status_code == 404
    assert (
        client.post(
            f"/tickets/{foreign.id}/route", data={"route-responsible_party": "utility", "route-reason": "x"}
        ).status_code
        == 404
    )
    assert foreign.status == TicketStatus.new


# --- re-routing ----------------------------------------------------------------------------


def test_the_street_office_reroutes_with_a_reason_shown_on_the_page(client, city):
    ticket = build(city)
    login(client, city.users["street_officer"])
    response = client.post(
        f"/tickets/{ticket.id}/route?lang=en", data={"route-responsible_party": "maintenance_fund", "route-reason": " "}
    )
    assert response.status_code == 422 and "required" in response.get_data(as_text=True)
    response = client.post(
        f"/tickets/{ticket.id}/route",
        data={"route-responsible_party": "maintenance_fund", "route-reason": "属公共维修资金范围"},
    )
    assert response.status_code == 302 and ticket.assignee_firm_id is None
    body = page(client, f"/tickets/{ticket.id}?lang=en")
    assert (
        'data-field="routing_note">属公共维修资金范围' in body
        and 'data-field="responsible_party">Maintenance fund' in body
    )


def test_only_the_office_sees_and_may_use_the_route_form(client, city, items):
    ticket = build(city)
    for role in ("firm_staff", "committee_member"):
        login(client, city.users[role])
        assert 'id="route"' not in page(client, f"/tickets/{ticket.id}")
        assert (
            client.post(
                f"/tickets/{ticket.id}/route", data={"route-responsible_party": "utility", "route-reason": "x"}
            ).status_code
            == 403
        )
        client.post("/logout")
    login(client, city.users["street_officer"])
    assert 'id="route"' in page(client, f"/tickets/{ticket.id}")
    response = client.post(
        f"/tickets/{ticket.id}/route?lang=en",
        data={"route-responsible_party": "contractor_warranty", "route-reason": "保修"},
    )
    assert response.status_code == 422 and "needs a warranty item" in response.get_data(as_text=True)


def test_the_page_links_the_warranty_item_and_its_claim(client, city, items):
    ticket = build(city, item=items["pipe"])
    body = page(login(client, city.users["contractor_staff"]), f"/tickets/{ticket.id}?lang=en")
    assert "雨水管" in body and "warranty to 2028-06-30" in body and f"no. {ticket.claim_id}" not in body
    claim = body[body.index('data-field="claim"') : body.index("</dd>", body.index('data-field="claim"'))]
    assert "/projects/" in claim and "#claims" in claim and ">Open</a>" in claim  # its project's claims, by code
    assert 'data-field="responsible_party">Contractor (warranty)' in body


# --- CSRF ----------------------------------------------------------------------------------


def test_the_forms_refuse_a_post_without_the_csrf_token_and_work_with_it(csrf_client, city):
    ticket = build(city)
    csrf_login(csrf_client, city.users["street_officer"])
    for url, data in (
        (f"/tickets/{ticket.id}/transitions/assigned", {}),
        (f"/tickets/{ticket.id}/route", {"route-responsible_party": "utility", "route-reason": "x"}),
        (
            f"/compounds/{city.compound.id}/tickets/new",
            {
                "ticket-source": "phone",
                "ticket-priority": "normal",
                "ticket-category": "roads",
                "ticket-description": "路灯不亮",
            },
        ),
    ):
        assert csrf_client.post(url, data=data).status_code == 400, url
    assert ticket.status == TicketStatus.new
    body = page(csrf_client, f"/tickets/{ticket.id}")
    response = csrf_client.post(
        f"/tickets/{ticket.id}/transitions/assigned", data={"assigned-csrf_token": hidden(body, "assigned-csrf_token")}
    )
    assert response.status_code == 302
    db.session.refresh(ticket)
    assert ticket.status == TicketStatus.assigned


# --- the report form -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,status",
    [
        ("admin", 200),
        ("regulator", 200),
        ("street_officer", 200),
        ("firm_staff", 200),
        ("committee_member", 200),
        ("contractor_staff", 403),
    ],
)
def test_who_may_report_a_repair_for_a_compound(client, city, items, role, status):
    login(client, city.users[role])
    page(client, f"/compounds/{city.compound.id}/tickets/new", status)
    page(client, f"/compounds/{city.other.id}/tickets/new", 200 if role in ("admin", "regulator") else 404)


def test_a_hotline_report_on_a_pipe_in_warranty_goes_to_the_contractor(client, city, items):
    login(client, city.users["committee_member"])
    body = page(client, f"/compounds/{city.compound.id}/tickets/new?lang=en")
    assert 'value="committee" selected' in body or 'selected value="committee"' in body
    assert "雨水管" in body and "1号楼" in body and "public_link" not in body
    response = client.post(
        f"/compounds/{city.compound.id}/tickets/new?lang=en",
        data={
            "ticket-source": "hotline_12345",
            "ticket-priority": "normal",
            "ticket-category": "water_leak",
            "ticket-building": "1号楼",
            "ticket-warranty_item_id": str(items["pipe"].id),
            "ticket-description": "雨水管漏水",
            "ticket-location": "1单元",
            "ticket-reporter_name": "王五",
            "ticket-reporter_phone": "139 0000 1111",
        },
    )
    assert response.status_code == 302
    ticket = db.session.scalar(select(Ticket).order_by(Ticket.id.desc()))
    assert response.headers["Location"].endswith(f"/tickets/{ticket.id}")
    assert (ticket.source.value, ticket.responsible_party.value, ticket.assignee_firm_id) == (
        "hotline_12345",
        "contractor_warranty",
        city.contractor.id,
    )
    # A 12345 call is answered within a day; the normal priority gives the week to resolve.
    assert (ticket.respond_by - ticket.created_at, ticket.resolve_by - ticket.created_at) == (
        timedelta(hours=24),
        timedelta(days=7),
    )
    assert ticket.building_id is not None and ticket.reporter_phone == "139 0000 1111"


@pytest.mark.parametrize(
    "field,value,problem",
    [
        ("ticket-description", "", "This field is required."),
        ("ticket-reporter_phone", "call me", "Digits, spaces, + and - only"),
        ("ticket-source", "public_link", "Not a valid choice"),
        ("ticket-category", "ufo", "Not a valid choice"),
        ("ticket-warranty_item_id", "999999", "Not a valid choice"),
    ],
)
def test_a_bad_report_is_422_naming_the_field(client, city, items, field, value, problem):
    login(client, city.users["street_officer"])
    data = {
        "ticket-source": "street",
        "ticket-priority": "normal",
        "ticket-category": "roads",
        "ticket-description": "路面塌陷",
        field: value,
    }
    before = db.session.scalar(select(func.count()).select_from(Ticket))
    response = client.post(f"/compounds/{city.compound.id}/tickets/new?lang=en", data=data)
    assert response.status_code == 422 and problem in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == before
