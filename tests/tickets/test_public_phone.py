"""Issue 27's public pages: residents choose what needs repairing in their own words (each
choice files the ticket under an office category), and the tracking page shows the steps with
their times, what was done and the photos of the repair — not the reporter's own photo, nor
anything staff added before the work started, nor anything personal."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from io import BytesIO

import pytest

from pm_app.extensions import db, limiter
from pm_app.tickets.models import TicketAttachment, TicketEvent
from tests.tickets.conftest import move
from tests.tickets.test_attachments import JPEG, WEBP, upload
from tests.tickets.test_public import PNG, form, key_of, text, tickets


@pytest.fixture(autouse=True)
def _fresh_limits(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "photos"))
    limiter.reset()
    yield
    limiter.reset()


@pytest.mark.parametrize(
    "what,category",
    [
        ("stairwell", "walls"),
        ("roof", "roof"),
        ("outer_wall", "walls"),
        ("road", "roads"),
        ("light", "lighting"),
        ("drain", "drainage"),
        ("water", "water_leak"),
        ("elevator", "elevator"),
        ("wiring", "electrical"),
        ("green", "greenery"),
        ("rubbish", "sanitation"),
        ("other", "other"),
    ],
)
def test_each_plain_choice_files_the_ticket_under_its_category(client, city, what, category):
    assert client.post("/c/GL-0001", data=form(what=what)).status_code == 302
    (ticket,) = tickets()
    assert ticket.category == category


def test_the_report_page_offers_plain_words_with_each_radio_inside_its_label(client, city):
    page = text(client.get("/c/GL-0001"))
    for words in ("楼道", "屋顶", "外墙", "道路", "路灯", "下水道", "电梯", "其他"):
        assert words in page, words
    assert "道路及方砖铺装" not in page and "Water leak" not in page
    radios = re.findall(r'<label><input[^>]*name="(what|priority)"[^>]*>\s*<span>[^<]+</span></label>', page)
    assert radios.count("what") == 12 and radios.count("priority") == 2
    assert re.search(r'<label>问题描述\s*<textarea[^>]*rows="5"', page)


def test_the_receipt_shows_the_code_big_and_how_to_follow_it(client, city):
    response = client.post("/c/GL-0001", data=form())
    page = text(client.get(response.headers["Location"]))
    (ticket,) = tickets()
    assert f'class="code big" id="tracking-code">{ticket.tracking_code}<' in page
    assert 'href="/track"' in page and "截图" in page


def _staff_photo(api, city, ticket_id, content):
    response = upload(api, city.users["firm_staff"], ticket_id, content)
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_the_tracking_page_shows_the_steps_the_note_and_the_photos_of_the_repair(client, api, city):
    reported = client.post(
        "/c/GL-0001", data=form(photo=(BytesIO(PNG), "我家门口.png")), content_type="multipart/form-data"
    )
    key = key_of(reported)
    (ticket,) = tickets()
    own = db.session.scalar(db.select(TicketAttachment.id))
    move(api, city.users["firm_staff"], ticket.id, "assigned", note="派给 李师傅 13900001111")
    before = _staff_photo(api, city, ticket.id, JPEG)  # taken when dispatched: not shown
    assert move(api, city.users["firm_staff"], ticket.id, "in_progress").status_code == 200
    after = _staff_photo(api, city, ticket.id, WEBP)
    assert (
        move(api, city.users["firm_staff"], ticket.id, "resolved", note="已更换3单元楼道漏水的水管").status_code == 200
    )
    # One known moment, to check the page's clock: 08:30 UTC is 16:30 in Shanghai.
    event = db.session.scalar(
        db.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id, TicketEvent.to_status == "resolved")
    )
    event.at = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    db.session.commit()

    page = text(client.get(f"/track/{ticket.tracking_code}"))
    steps = re.findall(r'<li class="(\w+)"[^>]*>\s*<strong>([^<]+)</strong>', page)
    assert steps == [
        ("done", "已受理"),
        ("done", "已派单"),
        ("done", "处理中"),
        ("current", "已办结"),
        ("todo", "已确认"),
    ]
    assert "2026-12-01 16:30" in page
    assert 'id="resolution-note" class="wrap">已更换3单元楼道漏水的水管<' in page
    assert f"/track/{ticket.tracking_code}/photos/{after}" in page
    for hidden in (
        f'/photos/{own}"',
        f'/photos/{before}"',
        "李师傅",
        "13900001111",
        "张三",
        "13812345678",
        "我家门口",
        key,
    ):
        assert hidden not in page, hidden

    shown = client.get(f"/track/{ticket.tracking_code}/photos/{after}")
    assert shown.status_code == 200 and shown.data == WEBP and shown.headers["X-Content-Type-Options"] == "nosniff"
    for other in (own, before, 999999):
        assert client.get(f"/track/{ticket.tracking_code}/photos/{other}").status_code == 404, other
    assert client.get(f"/track/NOSUCHCODE/photos/{after}").status_code == 404

    # Confirmed by the reporter: every step is done, and the photo stays.
    assert (
        client.post(
            f"/track/{ticket.tracking_code}/confirm", data={"confirm-satisfaction": "5", "confirm-confirm_key": key}
        ).status_code
        == 302
    )
    page = text(client.get(f"/track/{ticket.tracking_code}"))
    assert [s for s, _ in re.findall(r'<li class="(\w+)"[^>]*>\s*<strong>([^<]+)</strong>', page)] == ["done"] * 5
    assert f"/photos/{after}" in page


def test_a_photo_of_another_ticket_is_not_served_under_this_code(client, api, city):
    for _ in range(2):
        client.post("/c/GL-0001", data=form())
    first, second = tickets()
    for to in ("assigned", "in_progress"):
        move(api, city.users["firm_staff"], second.id, to)
    photo = _staff_photo(api, city, second.id, JPEG)
    assert client.get(f"/track/{second.tracking_code}/photos/{photo}").status_code == 200
    assert client.get(f"/track/{first.tracking_code}/photos/{photo}").status_code == 404


def test_a_new_report_shows_only_its_first_step_and_no_work_section(client, city):
    client.post("/c/GL-0001", data=form())
    (ticket,) = tickets()
    page = text(client.get(f"/track/{ticket.tracking_code}?lang=en"))
    assert re.findall(r'<li class="(\w+)"', page) == ["current", "todo", "todo", "todo", "todo"]
    assert 'id="what-was-done"' not in page
