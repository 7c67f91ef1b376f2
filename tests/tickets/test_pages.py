"""The ticket lists and pages: who opens which (404 outside scope or without such a page), the
queue's order and the board's filters and counts, masking of the reporter on pages and in
exports, the links in, and a board whose cost does not grow with its tickets.

Text assertions read the English page (?lang=en); ids and numbers hold in both languages."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from pm_app.common.clock import now
from tests.tickets.conftest import items  # noqa: F401  (the fixture)
from tests.tickets.pages import build, hours_ago, ids_in_order, login, page, statements, switch

ROLES = ["admin", "regulator", "street_officer", "firm_staff", "contractor_staff", "committee_member"]
BOARD_ROLES = ["admin", "regulator", "street_officer", "committee_member"]
QUEUE_ROLES = ["firm_staff", "contractor_staff"]


@pytest.fixture
def tickets(city, items):
    """One ticket per kind: the firm's in `city.compound`, the contractor's claim on the pipe
    there, and one in the other street's compound (the other firm's)."""
    return {
        "firm": build(city, reporter_name="张三丰", reporter_phone="13812345678"),
        "claim": build(city, item=items["pipe"], category="drainage"),
        "other": build(city, compound=city.other, category="roads", description="南门路面塌陷"),
    }


# --- who opens which page ------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_board_is_for_offices_and_committees_and_the_queue_for_firms(client, city, tickets, role):
    login(client, city.users[role])
    page(client, "/tickets", 200 if role in BOARD_ROLES else 404)
    page(client, "/tickets.csv", 200 if role in BOARD_ROLES else 404)
    page(client, "/tickets/queue", 200 if role in QUEUE_ROLES else 404)


@pytest.mark.parametrize(
    "role,which,status",
    [
        *[(r, "firm", 404 if r == "contractor_staff" else 200) for r in ROLES],
        *[(r, "claim", 200) for r in ROLES],
        *[(r, "other", 200 if r in ("admin", "regulator") else 404) for r in ROLES],
    ],
)
def test_who_opens_a_ticket_page(client, city, tickets, role, which, status):
    """The compound's roles see its tickets; a contractor only its claims; the other street's is 404."""
    login(client, city.users[role])
    body = page(client, f"/tickets/{tickets[which].id}?lang=en", status)
    if status == 200:
        assert tickets[which].tracking_code in body and "Timeline" in body
    else:
        assert tickets[which].tracking_code not in body


def test_an_unknown_ticket_is_404(client, city):
    login(client, city.users["admin"])
    page(client, "/tickets/999999", 404)


@pytest.mark.parametrize("role", BOARD_ROLES)
def test_the_board_lists_only_the_tickets_in_sight(client, city, tickets, role):
    body = page(login(client, city.users[role]), "/tickets?lang=en")
    shown = set(ids_in_order(body))
    expected = {tickets["firm"].id, tickets["claim"].id}
    if role in ("admin", "regulator"):
        expected.add(tickets["other"].id)
    assert shown == expected


def test_a_contractor_queues_only_its_claims_and_a_firm_only_its_own(client, city, tickets):
    contractor = page(login(client, city.users["contractor_staff"]), "/tickets/queue?lang=en")
    assert ids_in_order(contractor) == [tickets["claim"].id] and "Warranty claims to answer" in contractor
    firm = page(switch(client, city.users["firm_staff"]), "/tickets/queue?lang=en")
    assert ids_in_order(firm) == [tickets["firm"].id] and "Work queue" in firm


# --- the queue's order ---------------------------------------------------------------------


def test_the_queue_puts_the_overdue_first_then_orders_by_the_deadline_each_races(client, city):
    """Respond-by until answered, then resolve-by. Hand-computed, in hours from now:
    late   — 30 h old normal, unanswered: respond-by −6 (and resolve-by +138);
    urgent — 3 h old emergency, unanswered: respond-by −2;
    fresh  — 2 h old normal, unanswered: respond-by +22;
    begun  — 5 h old high, in progress: resolve-by +67 (its respond-by −1 no longer counts).
    A closed ticket and a resolved one are not in the queue."""
    late = build(city, hours_ago(30))
    urgent = build(city, hours_ago(3), priority="emergency")
    fresh = build(city, hours_ago(2))
    begun = build(city, hours_ago(5), priority="high", status="in_progress", responded_at=hours_ago(4))
    build(city, hours_ago(50), status="closed")
    build(city, hours_ago(50), status="resolved", resolved_at=hours_ago(1))
    body = page(login(client, city.users["firm_staff"]), "/tickets/queue?lang=en")
    assert ids_in_order(body) == [late.id, urgent.id, fresh.id, begun.id]
    # The page is read a moment after the tickets were built: whole units, rounded down.
    assert "overdue by 6 h" in body and "overdue by 2 h" in body and "21 h left" in body and "2 d 18 h left" in body
    assert body.count('data-late="respond"') == 2 and 'data-late="resolve"' not in body
    newest = page(client, "/tickets/queue?sort=created")
    assert ids_in_order(newest) == [fresh.id, urgent.id, begun.id, late.id]


def test_a_ticket_past_its_resolve_by_is_flagged_so(client, city):
    stuck = build(city, hours_ago(200), status="in_progress", responded_at=hours_ago(199))  # resolve-by −32 h
    body = page(login(client, city.users["firm_staff"]), "/tickets/queue?lang=en")
    assert ids_in_order(body) == [stuck.id] and 'data-late="resolve"' in body and "overdue by 1 d 8 h" in body


def test_the_queue_filters_by_compound_status_and_priority_and_refuses_nonsense(client, city):
    assigned = build(city, hours_ago(1), status="assigned")
    high = build(city, hours_ago(1), priority="high")
    login(client, city.users["firm_staff"])
    assert ids_in_order(page(client, "/tickets/queue?status=assigned")) == [assigned.id]
    assert ids_in_order(page(client, "/tickets/queue?priority=high")) == [high.id]
    assert ids_in_order(page(client, f"/tickets/queue?compound_id={city.other.id}")) == []
    page(client, "/tickets/queue?status=closed", 400)
    page(client, "/tickets/queue?sort=name", 400)
    page(client, "/tickets/queue?priority=urgent", 400)


# --- the board's filters and counts --------------------------------------------------------


@pytest.fixture
def board(city, items):
    """Six tickets of city.compound with known fields (the other compound's is out of the street)."""
    return {
        "late": build(city, hours_ago(30), source="hotline_12345", reporter_name="李四"),
        "roads": build(city, hours_ago(3), category="roads", priority="high", source="street"),
        "claim": build(city, hours_ago(1), item=items["pipe"], category="drainage"),
        "closed": build(city, hours_ago(24 * 10), status="closed", resolved_at=hours_ago(24 * 9)),
        "rejected": build(city, hours_ago(24 * 40), status="rejected", source="committee"),
        "fund": build(city, hours_ago(2), responsible_party="maintenance_fund", assignee_firm_id=None),
        "other": build(city, compound=city.other, category="roads"),
    }


@pytest.mark.parametrize(
    "query,expected",
    [
        ("status=closed", {"closed"}),
        ("category=roads", {"roads"}),
        ("priority=high", {"roads"}),
        ("responsible_party=contractor_warranty", {"claim"}),
        ("responsible_party=maintenance_fund", {"fund"}),
        ("source=hotline_12345", {"late"}),
        ("source=committee", {"rejected"}),
        ("overdue=1", {"late"}),
        ("category=roads&priority=low", set()),
    ],
)
def test_the_board_filters_narrow_the_list(client, city, board, query, expected):
    body = page(login(client, city.users["street_officer"]), f"/tickets?{query}")
    assert set(ids_in_order(body)) == {board[name].id for name in expected}


def test_the_board_filters_by_compound_and_by_the_day_reported(client, city, board):
    login(client, city.users["admin"])
    everything = {t.id for t in board.values()}
    assert set(ids_in_order(page(client, f"/tickets?compound_id={city.other.id}"))) == {board["other"].id}
    today = now().date()  # the city's day may differ near midnight: a window of a day either side
    recent = page(client, f"/tickets?created_from={today - timedelta(days=5)}&created_to={today + timedelta(days=1)}")
    assert set(ids_in_order(recent)) == everything - {board["closed"].id, board["rejected"].id}
    old = page(client, f"/tickets?created_to={today - timedelta(days=20)}")
    assert set(ids_in_order(old)) == {board["rejected"].id}
    page(client, "/tickets?created_from=yesterday", 400)
    page(client, "/tickets?status=lost", 400)
    page(client, "/tickets?category=ufo", 400)


def test_the_board_counts_tickets_per_status_under_the_other_filters(client, city, board):
    login(client, city.users["street_officer"])
    body = page(client, "/tickets?status=new")
    assert 'data-count="all">6<' in body and 'data-count="new">4<' in body
    assert 'data-count="closed">1<' in body and 'data-count="rejected">1<' in body
    roads = page(client, "/tickets?category=roads")
    assert 'data-count="all">1<' in roads and 'data-count="new">1<' in roads


def test_the_board_costs_the_same_statements_however_many_tickets(client, city, items):
    login(client, city.users["street_officer"])
    for k in range(2):
        build(city, hours_ago(k + 1), item=items["pipe"] if k else None)
    few = statements(client, "/tickets")
    for k in range(8):
        build(
            city,
            hours_ago(k + 3),
            category="roads",
            status="closed" if k % 2 else "new",
            resolved_at=hours_ago(k + 1) if k % 2 else None,
        )
    build(city, compound=city.other)
    assert statements(client, "/tickets") == few


# --- masking -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,shown",
    [
        ("admin", True),
        ("street_officer", True),
        ("firm_staff", True),
        ("regulator", False),
        ("committee_member", False),
    ],
)
def test_the_reporter_is_masked_for_who_does_not_call_back(client, city, tickets, role, shown):
    body = page(login(client, city.users[role]), f"/tickets/{tickets['firm'].id}")
    assert ("张三丰" in body and "13812345678" in body) is shown
    if not shown:
        assert "张*丰" in body and "138****5678" in body


def _csv(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_export_holds_what_the_board_shows_masked_as_the_page_is(client, city, tickets):
    login(client, city.users["street_officer"])
    rows = _csv(client, "/tickets.csv?lang=en")
    header, data = rows[0], rows[1:]
    assert header[:3] == ["Tracking code", "Compound code", "Compound"] and "Reporter's phone" in header
    assert sorted(r[0] for r in data) == sorted([tickets["firm"].tracking_code, tickets["claim"].tracking_code])
    mine = next(r for r in data if r[0] == tickets["firm"].tracking_code)
    assert mine[header.index("Reporter")] == "张三丰" and mine[header.index("Reporter's phone")] == "13812345678"
    assert [r[0] for r in _csv(client, "/tickets.csv?category=drainage")[1:]] == [tickets["claim"].tracking_code]

    switch(client, city.users["regulator"])
    rows = _csv(client, "/tickets.csv?lang=en")
    assert len(rows) == 4  # the header and all three tickets of the city
    mine = next(r for r in rows if r[0] == tickets["firm"].tracking_code)
    assert mine[rows[0].index("Reporter")] == "张*丰" and mine[rows[0].index("Reporter's phone")] == "138****5678"


def test_the_committees_excel_export_is_its_compounds_and_masked(client, city, tickets):
    login(client, city.users["committee_member"])
    response = client.get("/tickets.xlsx?lang=en")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]  # row 1 is the title
    header = rows[0]
    assert sorted(r[0] for r in rows[1:]) == sorted([tickets["firm"].tracking_code, tickets["claim"].tracking_code])
    mine = next(r for r in rows if r[0] == tickets["firm"].tracking_code)
    assert mine[header.index("Reporter")] == "张*丰"


def test_a_formula_in_a_description_stays_text_in_the_export(client, city):
    build(city, description='=HYPERLINK("http://x")')
    login(client, city.users["street_officer"])
    rows = _csv(client, "/tickets.csv?lang=en")
    assert rows[1][rows[0].index("Description")].startswith("'=")


# --- links in ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,target",
    [
        ("street_officer", "/tickets?compound_id="),
        ("committee_member", "/tickets?compound_id="),
        ("firm_staff", "/tickets/queue?compound_id="),
    ],
)
def test_the_compound_page_links_to_its_tickets_and_the_report_form(client, city, role, target):
    body = page(login(client, city.users[role]), f"/compounds/{city.compound.id}")
    assert f'href="{target}{city.compound.id}"' in body
    assert f'href="/compounds/{city.compound.id}/tickets/new"' in body
    assert f'href="{target.split("?")[0]}"' in body  # the header's entry


def test_a_contractor_gets_no_report_link(client, city, items):
    body = page(login(client, city.users["contractor_staff"]), f"/compounds/{city.compound.id}")
    assert "/tickets/new" not in body and 'href="/tickets/queue"' in body
