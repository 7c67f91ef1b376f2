"""Confirmation belongs to the reporter (issue 23, finding 2). The rated firm sees a ticket's
tracking code; with the code alone it used to resolve a repair, post the public confirmation with
5 stars "as the resident", and feed its own satisfaction score in the rankings."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from pm_app.common.clock import now
from pm_app.extensions import db, limiter
from pm_app.rankings.indicators import measure
from pm_app.tickets.models import Ticket
from tests.tickets.conftest import move
from tests.tickets.pages import build, login


@pytest.fixture(autouse=True)
def _fresh_limits():
    limiter.reset()
    yield
    limiter.reset()


def _report(client) -> tuple[Ticket, str]:
    response = client.post(
        "/c/GL-0001",
        data={
            "what": "water",
            "priority": "normal",
            "description": "3号楼楼道顶上漏水",
            "reporter_phone": "13812345678",
        },
    )
    key = re.search(r"[?&]key=(\w+)", response.headers["Location"]).group(1)
    return db.session.scalars(db.select(Ticket).order_by(Ticket.id.desc())).first(), key


def _resolve(api, city, ticket: Ticket) -> None:
    for to in ("assigned", "in_progress", "resolved"):
        assert move(api, city.users["firm_staff"], ticket.id, to).status_code == 200


def _ratings_of(firm_id: int) -> tuple[int, int]:
    day = now().date()
    measured = measure(day - timedelta(days=1), day + timedelta(days=1))[firm_id]
    return measured.ratings, measured.rating_sum


def test_the_rated_firm_cannot_confirm_and_rate_its_own_repair_with_the_tracking_code(client, api, city):
    ticket, key = _report(client)
    firm = city.users["firm_staff"]
    code = api.as_(firm).get(f"/api/v1/tickets/{ticket.id}").json["tracking_code"]  # what the firm sees
    _resolve(api, city, ticket)
    for typed in (None, "", "ABCDEFGHJKLM", code):
        data = {"confirm-satisfaction": "5", **({"confirm-confirm_key": typed} if typed is not None else {})}
        response = client.post(f"/track/{code}/confirm?lang=en", data=data)
        assert response.status_code in (403, 422)
        db.session.refresh(ticket)
        assert (ticket.status.value, ticket.satisfaction) == ("resolved", None)
    assert "does not match" in client.post(
        f"/track/{code}/confirm?lang=en", data={"confirm-satisfaction": "5", "confirm-confirm_key": "ABCDEFGHJKLM"}
    ).get_data(as_text=True)
    reopen = client.post(f"/track/{code}/reopen", data={"reopen-note": "还在漏", "reopen-confirm_key": "X"})
    assert reopen.status_code == 403 and ticket.status.value == "resolved"
    assert _ratings_of(city.firm.id) == (0, 0)
    # The reporter, with the key of their receipt (from their own address), confirms; their rating counts.
    limiter.reset()
    done = client.post(f"/track/{code}/confirm", data={"confirm-satisfaction": "2", "confirm-confirm_key": key})
    assert done.status_code == 302
    db.session.refresh(ticket)
    assert (ticket.status.value, ticket.satisfaction, ticket.satisfaction_by) == ("closed", 2, "reporter")
    assert _ratings_of(city.firm.id) == (1, 2)


@pytest.mark.parametrize("role", ["firm_staff", "street_officer", "committee_member", "admin", "regulator"])
def test_no_staff_page_api_or_export_shows_the_key_or_its_hash(client, api, city, role):
    ticket, key = _report(client)
    user = city.users[role]
    seen = [str(api.as_(user).get(f"/api/v1/tickets/{ticket.id}").json), str(api.as_(user).get("/api/v1/tickets").json)]
    login(client, user)
    seen.append(client.get(f"/tickets/{ticket.id}").get_data(as_text=True))
    if role != "firm_staff":
        seen += [client.get("/tickets").get_data(as_text=True), client.get("/tickets.csv").get_data(as_text=True)]
    seen.append(client.get(f"/track/{ticket.tracking_code}").get_data(as_text=True))
    assert ticket.tracking_code in seen[0]
    assert not any(key in text or ticket.confirm_key_hash in text for text in seen)


def test_a_staff_rating_is_attributed_to_its_role_and_not_counted_as_the_residents(client, api, city):
    """The committee or the office may close a repair with a rating; it says who gave it, and the
    rankings' satisfaction (the residents') leaves it out."""
    ticket, _key = _report(client)
    _resolve(api, city, ticket)
    closed = move(api, city.users["committee_member"], ticket.id, "closed", satisfaction=5)
    assert closed.status_code == 200 and closed.json["satisfaction_by"] == "committee_member"
    assert _ratings_of(city.firm.id) == (0, 0)
    login(client, city.users["street_officer"])
    page = client.get(f"/tickets/{ticket.id}?lang=en").get_data(as_text=True)
    assert 'data-field="satisfaction-by">(given by staff: Owners&#39; committee member)' in page
    rows = client.get("/tickets.csv?lang=en").get_data(as_text=True).splitlines()
    assert rows[0].endswith(",Rated by") and rows[1].endswith(",staff: Owners' committee member")


def test_a_ticket_without_a_key_is_confirmed_by_staff_not_on_the_public_page(client, api, city):
    """Reported by phone, or on the public page before keys existed: the tracking page says who
    confirms it and the public confirmation is refused; the committee closes it."""
    ticket = build(city, source="public_link")  # as every ticket reported before this change
    assert ticket.confirm_key_hash is None
    _resolve(api, city, ticket)
    page = client.get(f"/track/{ticket.tracking_code}?lang=en").get_data(as_text=True)
    assert 'id="confirmed-by-staff"' in page and "Is it repaired?" not in page
    refused = client.post(
        f"/track/{ticket.tracking_code}/confirm?lang=en",
        data={"confirm-satisfaction": "5", "confirm-confirm_key": "ABCDEFGHJKLM"},
    )
    assert refused.status_code == 403 and ticket.status.value == "resolved"
    assert "committee or the street office" in refused.get_data(as_text=True)
    assert move(api, city.users["committee_member"], ticket.id, "closed", satisfaction=4).status_code == 200


def test_the_receipt_in_chinese_gives_the_key_and_the_private_link(client, city):
    response = client.post(
        "/c/GL-0001", data={"what": "water", "priority": "normal", "description": "3号楼楼道顶上漏水"}
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "确认码" in page and 'id="private-link"' in page
