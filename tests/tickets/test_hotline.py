"""Work orders as the 12345 hotline sends them (issue 25): the platform's order number, once per
source; the moment the citizen called, never in the future nor before the compound was built,
from which the deadlines count."""

from __future__ import annotations

from datetime import datetime, timedelta

import time_machine

from pm_app.common.clock import CITY_TZ
from tests.tickets.conftest import report

NOW = datetime(2026, 3, 5, 10, 0, tzinfo=CITY_TZ)


def test_an_order_number_reused_for_its_source_is_a_409_naming_the_ticket(api, city):
    officer = city.users["street_officer"]
    first = report(api, officer, city.compound.id, source="hotline_12345", external_ref="２０２４０３１５０００１２３")
    assert first.status_code == 201 and first.json["external_ref"] == "20240315000123"  # NFKC: one spelling
    again = report(api, officer, city.compound.id, source="hotline_12345", external_ref="20240315000123")
    assert again.status_code == 409
    assert first.json["tracking_code"] in again.json["message"]
    assert "external_ref" in again.json["errors"]
    # Another platform may use the same number.
    assert report(api, officer, city.compound.id, source="phone", external_ref="20240315000123").status_code == 201


def test_an_order_number_of_another_scope_is_refused_without_showing_its_ticket(api, city, users):
    first = report(api, city.users["street_officer"], city.compound.id, source="hotline_12345", external_ref="GD-1")
    again = report(api, users["other_street"], city.other.id, source="hotline_12345", external_ref="GD-1")
    assert again.status_code == 409 and first.json["tracking_code"] not in again.json["message"]


def test_an_order_number_on_two_lines_is_refused(api, city):
    reply = report(
        api, city.users["street_officer"], city.compound.id, source="hotline_12345", external_ref="GD-1\nGD-2"
    )
    assert reply.status_code == 422 and "external_ref" in reply.json["errors"]


def test_reported_in_the_future_is_a_422(api, city):
    with time_machine.travel(NOW, tick=False):
        reply = report(
            api, city.users["street_officer"], city.compound.id, reported_at=(NOW + timedelta(minutes=5)).isoformat()
        )
    assert reply.status_code == 422 and "reported_at" in reply.json["errors"]


def test_reported_before_the_compound_was_built_is_a_422(api, city):
    year = city.compound.year_built or 1990
    reply = report(
        api,
        city.users["street_officer"],
        city.compound.id,
        reported_at=datetime(year - 1, 6, 1, tzinfo=CITY_TZ).isoformat(),
    )
    assert reply.status_code == 422 and "reported_at" in reply.json["errors"]


def test_deadlines_count_from_when_the_citizen_called(api, city):
    called = NOW - timedelta(days=2)
    with time_machine.travel(NOW, tick=False):
        reply = report(
            api,
            city.users["street_officer"],
            city.compound.id,
            source="hotline_12345",
            priority="normal",
            external_ref="20240303000001",
            reported_at="2026-03-03T10:00",
        )  # city time, no offset
    assert reply.status_code == 201
    ticket = reply.json
    assert datetime.fromisoformat(ticket["reported_at"]) == called
    assert datetime.fromisoformat(ticket["created_at"]) == NOW
    assert datetime.fromisoformat(ticket["respond_by"]) == called + timedelta(hours=24)
    assert datetime.fromisoformat(ticket["resolve_by"]) == called + timedelta(hours=168)


def test_without_reported_at_it_was_reported_now(api, city):
    with time_machine.travel(NOW, tick=False):
        ticket = report(api, city.users["street_officer"], city.compound.id).json
    assert datetime.fromisoformat(ticket["reported_at"]) == NOW


def test_the_street_office_types_a_late_12345_order_on_the_page(client, city):
    from sqlalchemy import select

    from pm_app.extensions import db
    from pm_app.tickets.models import Ticket
    from tests.tickets.pages import login, page

    data = {
        "ticket-source": "hotline_12345",
        "ticket-priority": "normal",
        "ticket-category": "roads",
        "ticket-description": "路面塌陷",
        "ticket-external_ref": "ＧＤ-2026-0007",
        "ticket-reported_at": "2026-03-03T10:00",
    }
    with time_machine.travel(NOW, tick=False):  # signed in at the frozen moment: sessions are timed
        login(client, city.users["street_officer"])
        body = page(client, f"/compounds/{city.compound.id}/tickets/new")
        assert "平台工单编号" in body and "群众反映时间" in body
        assert client.post(f"/compounds/{city.compound.id}/tickets/new", data=data).status_code == 302
        ticket = db.session.scalar(select(Ticket).order_by(Ticket.id.desc()))
        assert (ticket.external_ref, ticket.reported_at) == ("GD-2026-0007", NOW - timedelta(days=2))
        shown = page(client, f"/tickets/{ticket.id}")
        assert "GD-2026-0007" in shown and "录入于" in shown
        again = client.post(f"/compounds/{city.compound.id}/tickets/new", data=data)
    assert again.status_code == 422 and ticket.tracking_code in again.get_data(as_text=True)
    data["ticket-external_ref"], data["ticket-reported_at"] = "GD-2026-0008", "2026-03-06T10:00"
    with time_machine.travel(NOW, tick=False):
        future = client.post(f"/compounds/{city.compound.id}/tickets/new", data=data)
    assert future.status_code == 422 and "晚于现在" in future.get_data(as_text=True)


COMPLAINTS = {
    "electrical": "电气线路",
    "gas": "燃气",
    "heating": "供暖",
    "construction": "施工扰民及施工损坏",
    "illegal_occupation": "私搭乱建/占用公共空间",
    "parking": "停车",
}


def test_complaint_categories_are_taken_and_read_in_chinese(app, api, city):
    from pm_app.tickets.labels import ticket_label

    for category, label in COMPLAINTS.items():
        reply = report(api, city.users["street_officer"], city.compound.id, source="hotline_12345", category=category)
        assert reply.status_code == 201 and reply.json["category"] == category
        with app.test_request_context("/?lang=zh"):
            assert ticket_label(category) == label
    assert report(api, city.users["street_officer"], city.compound.id, category="ufo").status_code == 422


def test_the_board_and_its_export_show_the_day_reported_and_the_order_number(client, city):
    from tests.tickets.pages import build, login, page

    late = build(city, NOW, source="hotline_12345", description="路灯不亮")
    late.reported_at, late.external_ref = NOW - timedelta(days=40), "20260124000077"
    login(client, city.users["admin"])
    assert "2026-01-24" in page(client, f"/tickets?q={late.external_ref}")
    export = client.get(f"/tickets.csv?q={late.external_ref}").get_data(as_text=True)
    assert "20260124000077" in export and "2026-01-24" in export
