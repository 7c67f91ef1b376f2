"""Each home's "awaiting you" list: every line is a count and a link, and the linked list shows
exactly that many rows, for the street office, the committee, the firm and the contractor; lines
with nothing waiting are left out; the open-tickets tiles open the board filtered to open tickets."""

from __future__ import annotations

import html
import re

import pytest
from flask import current_app
from sqlalchemy import func, select

from pm_app.auth.models import Role
from pm_app.committees import queries as ledger_queries
from pm_app.extensions import db
from pm_app.tickets import dispatch
from pm_app.tickets.models import Ticket
from pm_app.tickets.workflow import OPEN
from tests.factories import UserFactory
from tests.tickets.conftest import items  # noqa: F401  (the fixture)
from tests.tickets.pages import build, hours_ago, ids_in_order, login, page, switch

LINE = re.compile(r'<li data-worklist="(\w+)"><a href="([^"]+)">(\d+) ([^<]*)</a></li>')


def worklist(client) -> dict[str, tuple[int, str, str]]:
    """key → (count, link, text) of the reader's home."""
    body = page(client, "/?lang=en")
    return {key: (int(n), html.unescape(href), text) for key, href, n, text in LINE.findall(body)}


def rows(client, href: str) -> int:
    body = page(client, href)
    return len(ids_in_order(body)) or len(re.findall(r'data-query="\d+"', body))


@pytest.fixture
def world(city, items):
    """Resolved tickets waiting for confirmation (one in the other street), tickets dispatched to a
    firm member, a street officer and a contractor, new tickets, and an open ledger query."""
    with current_app.test_request_context():  # the services word their notes in the reader's language
        return _world(city, items)


def _world(city, items):
    worker = UserFactory(role=Role.firm_staff, firm=city.firm)
    officer, contractor = city.users["street_officer"], city.users["contractor_staff"]
    for n in range(2):
        build(city, hours_ago(30 + n), status="resolved", resolved_at=hours_ago(2))
    build(city, hours_ago(30), compound=city.other, status="resolved", resolved_at=hours_ago(2))
    build(city, hours_ago(40), status="closed")
    for n in range(3):
        dispatch.dispatch(officer, build(city, hours_ago(20 + n)), worker.id)
    dispatch.dispatch(officer, build(city, hours_ago(9)), officer.id)
    dispatch.dispatch(officer, build(city, hours_ago(8), item=items["pipe"]), contractor.id)
    build(city, hours_ago(1))  # new, nobody named yet
    entry = entry_ok_as_service(city)
    ledger_queries.raise_query(city.users["committee_member"], entry, "这笔支出的发票在哪里？")
    return {"worker": worker}


def entry_ok_as_service(city):
    from pm_app.committees import entries
    from pm_app.common.clock import today

    return entries.post_entry(
        city.users["firm_staff"],
        city.compound,
        {
            "account": "public_revenue",
            "direction": "in",
            "amount_fen": 10000,
            "entry_date": today(),
            "description": "场地租金",
        },
    )


def _agree(client, expected: dict[str, int]) -> None:
    found = worklist(client)
    assert {key: n for key, (n, _href, _text) in found.items()} == expected
    for key, (n, href, _text) in found.items():
        assert rows(client, href) == n, (key, href)


def test_the_street_officer_sees_what_to_confirm_and_what_was_dispatched_to_them(client, city, world):
    login(client, city.users["street_officer"])
    _agree(client, {"confirm": 2, "dispatched": 1})
    found = worklist(client)
    assert found["confirm"][2] == "tickets awaiting your confirmation"


def test_the_committee_sees_what_to_confirm_and_its_query_awaiting_an_answer(client, city, world):
    login(client, city.users["committee_member"])
    _agree(client, {"confirm": 2, "queries": 1})
    assert worklist(client)["queries"][2] == "ledger query awaiting an answer"


def test_the_firm_member_sees_what_was_dispatched_to_them_and_the_query_to_answer(client, city, world):
    login(client, world["worker"])
    _agree(client, {"dispatched": 3, "new": 1, "queries": 1})
    switch(client, city.users["firm_staff"])  # a colleague: nothing dispatched to them
    _agree(client, {"new": 1, "queries": 1})


def test_the_contractor_sees_its_dispatched_claim(client, city, world):
    login(client, city.users["contractor_staff"])
    _agree(client, {"dispatched": 1})


def test_the_home_shows_no_list_when_nothing_waits(client, city):
    login(client, city.users["committee_member"])
    assert worklist(client) == {} and "data-worklist" not in page(client, "/")


def test_the_chinese_home_reads_naturally(client, city, world):
    login(client, city.users["committee_member"])
    body = page(client, "/?lang=zh")
    assert "2 张工单待您确认" in body and "1 条账目质询等待回复" in body
    switch(client, city.users["firm_staff"])
    assert "1 条账目质询待回复" in page(client, "/?lang=zh")


@pytest.mark.parametrize("role", ["street_officer", "committee_member", "regulator"])
def test_the_open_tickets_tile_opens_the_board_of_open_tickets(client, city, world, role):
    login(client, city.users[role])
    body = page(client, "/?lang=en")
    found = re.search(
        r'<p class="tile-value"><a href="([^"]+)">(\d+)</a></p>\s*<p class="tile-label">Open tickets</p>', body
    )
    assert found is not None
    href, n = html.unescape(found.group(1)), int(found.group(2))
    assert "open=1" in href
    listed = page(client, href)
    shown = ids_in_order(listed)
    assert len(shown) == n
    assert all(db.session.get(Ticket, ticket_id).status in OPEN for ticket_id in shown)
    assert n < db.session.scalar(select(func.count()).select_from(Ticket))  # the closed and resolved are left out
