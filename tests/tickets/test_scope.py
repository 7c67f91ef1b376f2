"""Who sees which ticket, in lists, single reads, the overdue filter and the reporter's contact:
three tickets (one in each compound, one a warranty claim of the contractor) against every role."""

from __future__ import annotations

import json

import pytest

from tests.tickets.conftest import report


@pytest.fixture
def tickets(api, city, items):
    admin = city.users["admin"]
    mine = report(api, admin, city.compound.id, reporter_name="张三", reporter_phone="13812345678").json
    claim = report(api, admin, city.compound.id, warranty_item_id=items["pipe"].id).json
    other = report(api, admin, city.other.id).json
    return {"mine": mine["id"], "claim": claim["id"], "other": other["id"]}


# role → the tickets it sees
SEES = {
    "admin": {"mine", "claim", "other"},
    "regulator": {"mine", "claim", "other"},
    "street_officer": {"mine", "claim"},
    "firm_staff": {"mine", "claim"},  # its compound's tickets, the contractor's claim too
    "committee_member": {"mine", "claim"},
    "contractor_staff": {"claim"},  # only what is assigned to it
    "other_street": {"other"},
    "other_firm": {"other"},
    "other_committee": {"other"},
}

# role → sees the reporter's name and phone in full (those who call back)
SEES_CONTACT = {
    "admin": True,
    "regulator": False,
    "street_officer": True,
    "firm_staff": True,
    "committee_member": False,
}


@pytest.mark.parametrize("role", SEES)
def test_lists_and_reads_show_exactly_the_tickets_in_scope(api, users, tickets, role):
    user = users[role]
    expected = {tickets[name] for name in SEES[role]}
    listed = api.as_(user).get("/api/v1/tickets?page_size=100")
    assert {t["id"] for t in listed.json} == expected
    assert json.loads(listed.headers["X-Pagination"])["total"] == len(expected)
    overdue_or_not = {
        t["id"] for flag in ("true", "false") for t in api.as_(user).get(f"/api/v1/tickets?overdue={flag}").json
    }
    assert overdue_or_not == expected
    for name, ticket_id in tickets.items():
        for path in (f"/api/v1/tickets/{ticket_id}", f"/api/v1/tickets/{ticket_id}/attachments"):
            assert api.as_(user).get(path).status_code == (200 if name in SEES[role] else 404), (name, path)


@pytest.mark.parametrize("role,full", SEES_CONTACT.items())
def test_the_reporters_contact_is_masked_for_those_who_do_not_call_back(api, users, tickets, role, full):
    ticket = api.as_(users[role]).get(f"/api/v1/tickets/{tickets['mine']}").json
    if full:
        assert (ticket["reporter_name"], ticket["reporter_phone"]) == ("张三", "13812345678")
    else:
        assert "13812345678" not in str(ticket) and "张三" not in str(ticket)
        assert ticket["reporter_phone"] and ticket["reporter_phone"].endswith("5678")


def test_a_foreign_compound_cannot_be_reported_on_or_filtered(api, users, city, items):
    officer = users["street_officer"]
    assert report(api, officer, city.other.id).status_code == 404
    assert api.as_(officer).get(f"/api/v1/tickets?compound_id={city.other.id}").json == []
    # The contractor sees the compound it built in, but answers claims rather than reporting.
    assert report(api, users["contractor_staff"], city.compound.id).status_code == 403


def test_masking_a_firms_list_does_not_look_up_each_tickets_compound(api, users, tickets):
    """Only the city and street offices manage compounds: a firm's or committee's list of tickets in
    many compounds must not cost a compound lookup per row."""
    from sqlalchemy import event

    from pm_app.extensions import db
    from pm_app.org.models import Compound
    from pm_app.tickets.models import Ticket
    from pm_app.tickets.services import parties

    ticket = db.session.get(Ticket, tickets["mine"])
    for cached in [o for o in db.session if isinstance(o, Compound)]:
        db.session.expunge(cached)  # a compound lookup would have to reach the database
    firm, committee = users["firm_staff"], users["committee_member"]
    seen = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        found = (parties(firm, ticket), parties(committee, ticket))
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert found == ({"assignee"}, {"confirmer"})
    assert not [s for s in seen if "FROM compound" in s]
