"""The public report page and the tracking page: anyone reports without an account, gets a
tracking code, follows the status (and nothing personal), confirms and rates; abuse is refused
(missing or oversized fields, script, robots, too many posts, no CSRF token, bad photos)."""

from __future__ import annotations

import re

import pytest

from pm_app.extensions import db, limiter
from pm_app.tickets.models import Ticket, TicketAttachment, TicketSource
from tests.tickets.conftest import move
from tests.tickets.pages import login

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


@pytest.fixture(autouse=True)
def _fresh_limits():
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def photos_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "photos"))
    return tmp_path / "photos"


def form(**changes) -> dict:
    return {
        "what": "water",
        "priority": "normal",
        "description": "3号楼楼道顶上漏水",
        "building": "1号楼",
        "location": "3单元门口",
        "reporter_name": "张三",
        "reporter_phone": "13812345678",
        **changes,
    }


def tickets() -> list[Ticket]:
    return list(db.session.scalars(db.select(Ticket).order_by(Ticket.id)))


def text(response) -> str:
    return response.get_data(as_text=True)


def key_of(response) -> str:
    """The confirmation key of the reporter's private link, where the report redirects them."""
    return re.search(r"[?&]key=(\w+)", response.headers["Location"]).group(1)


def test_anyone_reports_and_gets_a_tracking_code(client, city):
    assert client.get("/c/GL-0001?lang=en").status_code == 200
    response = client.post("/c/GL-0001?lang=en", data=form())
    assert response.status_code == 302
    (ticket,) = tickets()
    key = key_of(response)
    assert response.headers["Location"] == f"/track/{ticket.tracking_code}?key={key}&new=1"
    assert (
        ticket.source,
        ticket.priority.value,
        ticket.responsible_party.value,
        ticket.assignee_firm_id,
        ticket.building_id,
        ticket.reporter_phone,
    ) == (TicketSource.public_link, "normal", "property_firm", city.firm.id, city.household.building_id, "13812345678")
    assert [(e.actor_label, e.to_status) for e in ticket.events] == [("reporter", "new")]
    page = text(client.get(response.headers["Location"] + "&lang=en"))
    assert ticket.tracking_code in page and "Water leak" in page and "New" in page
    assert f'id="confirm-key">{key}<' in page and f"/track/{ticket.tracking_code}?key={key}" in page
    assert key not in text(client.get(f"/track/{ticket.tracking_code}"))  # shown on the receipt only


def test_the_tracking_page_shows_status_and_nothing_personal(client, api, city):
    client.post("/c/GL-0001", data=form())
    (ticket,) = tickets()
    move(api, city.users["street_officer"], ticket.id, "rejected", note="已转交 3-201 王五家自行处理")
    page = text(client.get(f"/track/{ticket.tracking_code.lower()}?lang=en"))  # codes are read out: any case
    assert "Rejected" in page
    for private in (
        "张三",
        "13812345678",
        "5678",
        "王五",
        "楼道顶上漏水",
        "3单元门口",
        city.users["street_officer"].username,
    ):
        assert private not in page, private


def test_an_unknown_compound_or_tracking_code_is_404(client, city):
    assert client.get("/c/NOPE").status_code == 404
    assert client.post("/c/NOPE", data=form()).status_code == 404
    assert client.get("/track/ABCDEFGHJK").status_code == 404
    assert tickets() == []


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"description": ""}, "description"),
        ({"description": "漏" * 1001}, "description"),
        ({"what": "<script>"}, "what"),
        ({"what": "water_leak"}, "what"),  # a category code is not one of the resident's choices
        ({"priority": "emergency"}, "priority"),  # the public cannot start a 1-hour clock
        ({"reporter_phone": "call me"}, "reporter_phone"),
        ({"location": "x" * 129}, "location"),
        ({"building": "99号楼"}, "building"),
    ],
)
def test_bad_fields_are_named_and_nothing_is_written(client, city, changes, field):
    response = client.post("/c/GL-0001?lang=en", data=form(**changes))
    assert response.status_code == 422
    assert re.search(rf'<label class="invalid">[^<]*\s*<[^>]*name="{field}"', text(response)) or re.search(
        rf'<fieldset class="choices[^"]* invalid">\s*<legend>[^<]*</legend>\s*<label><input[^>]*name="{field}"',
        text(response),
    ), text(response)
    assert tickets() == []


def test_script_in_the_text_is_kept_as_text_and_never_run(client, api, city):
    script = "<script>alert(1)</script>"
    refused = client.post("/c/GL-0001", data=form(description="短", location=script))
    assert script not in text(refused) and "&lt;script&gt;alert(1)&lt;/script&gt;" in text(refused)
    client.post("/c/GL-0001", data=form(description=f"{script}楼道漏水"))
    (ticket,) = tickets()
    assert ticket.description == f"{script}楼道漏水"  # stored as written; pages escape it
    assert script not in text(client.get(f"/track/{ticket.tracking_code}"))


def test_a_robot_filling_the_hidden_field_is_refused(client, city):
    assert client.post("/c/GL-0001", data=form(website="http://spam.example")).status_code == 400
    assert tickets() == []


def test_posts_are_rate_limited_per_address(app, client, city, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_REPORT_LIMIT", "3 per hour")
    codes = [client.post("/c/GL-0001?lang=en", data=form()).status_code for _ in range(3)]
    refused = client.post("/c/GL-0001?lang=en", data=form())
    assert codes == [302, 302, 302] and refused.status_code == 429
    assert "Too many requests" in text(refused) and len(tickets()) == 3
    assert client.get("/c/GL-0001").status_code == 200  # reading the page is not limited
    other = client.post("/c/GL-0001", data=form(), environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 302  # another address has its own count


def test_tracking_lookups_are_rate_limited(app, client, city, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_TRACK_LIMIT", "5 per minute")
    assert [client.get(f"/track/GUESS{n:05d}").status_code for n in range(6)] == [404] * 5 + [429]


def test_the_form_needs_its_csrf_token(csrf_client, city):
    assert csrf_client.post("/c/GL-0001", data=form()).status_code == 400
    page = text(csrf_client.get("/c/GL-0001"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]*)"', page).group(1)
    assert csrf_client.post("/c/GL-0001", data=form(csrf_token=token)).status_code == 302
    assert len(tickets()) == 1


def test_a_photo_is_stored_under_a_random_name(client, city, photos_dir):
    from io import BytesIO

    response = client.post(
        "/c/GL-0001", data=form(photo=(BytesIO(PNG), "../../etc/passwd.png")), content_type="multipart/form-data"
    )
    assert response.status_code == 302
    (photo,) = db.session.scalars(db.select(TicketAttachment)).all()
    assert (photo.content_type, photo.size, photo.original_name) == ("image/png", len(PNG), "passwd.png")
    stored = photos_dir / str(photo.ticket_id) / photo.stored_name
    assert stored.read_bytes() == PNG and re.fullmatch(r"[0-9a-f]{32}\.png", photo.stored_name)


@pytest.mark.parametrize(
    "content,status",
    ids=["html-named-jpg", "oversized-jpeg"],
    argvalues=[
        (b"<html><script>alert(1)</script></html>", 422),  # named .jpg, but not an image
        (b"\xff\xd8\xff" + b"\x00" * (256 * 1024), 413),  # a JPEG over the limit (256 KB in tests)
    ],
)
def test_a_bad_photo_refuses_the_whole_report(client, city, photos_dir, content, status):
    from io import BytesIO

    response = client.post(
        "/c/GL-0001?lang=en", data=form(photo=(BytesIO(content), "photo.jpg")), content_type="multipart/form-data"
    )
    assert response.status_code == status
    assert tickets() == [] and db.session.scalars(db.select(TicketAttachment)).all() == []
    assert not photos_dir.exists() or not any(p.is_file() for p in photos_dir.rglob("*"))


def _resolved(client, api, city) -> tuple[Ticket, str]:
    key = key_of(client.post("/c/GL-0001", data=form()))
    (ticket,) = tickets()
    for to in ("assigned", "in_progress", "resolved"):
        assert move(api, city.users["firm_staff"], ticket.id, to).status_code == 200
    return ticket, key


def test_the_reporter_confirms_and_rates_with_their_key(client, api, city):
    ticket, key = _resolved(client, api, city)
    page = text(client.get(f"/track/{ticket.tracking_code}?key={key}&lang=en"))
    assert "Is it repaired?" in page and "Reopen" in page and f'value="{key}"' in page
    missing = client.post(
        f"/track/{ticket.tracking_code}/confirm?lang=en", data={"confirm-comment": "好", "confirm-confirm_key": key}
    )
    assert missing.status_code == 422 and ticket.status.value == "resolved"
    done = client.post(
        f"/track/{ticket.tracking_code}/confirm",
        data={"confirm-satisfaction": "4", "confirm-comment": "修得快", "confirm-confirm_key": key.lower()},
    )
    assert done.status_code == 302
    db.session.refresh(ticket)
    assert (ticket.status.value, ticket.satisfaction, ticket.satisfaction_comment, ticket.satisfaction_by) == (
        "closed",
        4,
        "修得快",
        "reporter",
    )
    assert (ticket.events[-1].actor_label, ticket.events[-1].actor_id) == ("reporter", None)
    again = client.post(
        f"/track/{ticket.tracking_code}/confirm?lang=en", data={"confirm-satisfaction": "1", "confirm-confirm_key": key}
    )
    assert again.status_code == 409 and ticket.satisfaction == 4


def test_the_reporter_reopens_with_a_reason(client, api, city):
    ticket, key = _resolved(client, api, city)
    assert (
        client.post(
            f"/track/{ticket.tracking_code}/reopen", data={"reopen-note": "", "reopen-confirm_key": key}
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"/track/{ticket.tracking_code}/reopen", data={"reopen-note": "还在漏", "reopen-confirm_key": key}
        ).status_code
        == 302
    )
    db.session.refresh(ticket)
    assert ticket.status.value == "reopened" and ticket.events[-1].note == "还在漏"


def test_the_qr_code_and_the_poster_point_at_the_public_page(app, client, city, monkeypatch):
    svg = client.get("/c/GL-0001/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert text(svg).lstrip().startswith(("<?xml", "<svg")) and "<script" not in text(svg)
    assert "http://localhost/c/GL-0001" in text(client.get("/c/GL-0001/poster"))
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://cx.example.gov.cn/")
    assert "https://cx.example.gov.cn/c/GL-0001" in text(client.get("/c/GL-0001/poster"))
    assert client.get("/c/NOPE/qr.svg").status_code == 404


def test_residents_are_not_asked_to_pick_a_warranty_item(client, city, items):
    """Issue 27: the builder's item names mean nothing to a resident. A report goes to the property
    firm; a posted item id is ignored."""
    page = text(client.get("/c/GL-0001"))
    assert 'name="warranty_item_id"' not in page and items["pipe"].description not in page
    assert client.post("/c/GL-0001", data=form(warranty_item_id=str(items["pipe"].id))).status_code == 302
    (ticket,) = tickets()
    assert (ticket.warranty_item_id, ticket.responsible_party.value, ticket.assignee_firm_id) == (
        None,
        "property_firm",
        city.firm.id,
    )


def test_the_issues_story_the_office_names_the_pipe_and_the_contractor_repairs_it(client, api, city, items):
    """Design's done-when, with issue 27's plain form: a resident reports the leaking pipe; the
    street office names the item on the ticket page, which makes it the contractor's warranty
    claim; the firm cannot touch it; resolved and confirmed by the reporter, the deposit is free."""
    key = key_of(client.post("/c/GL-0001", data=form()))
    (ticket,) = tickets()
    office = city.users["street_officer"]
    lapsed = api.as_(office).post(
        f"/api/v1/tickets/{ticket.id}/route?lang=en",
        json={"responsible_party": "contractor_warranty", "reason": "路面", "warranty_item_id": items["road"].id},
    )
    assert lapsed.status_code == 422 and "warranty_item_id" in lapsed.json["errors"]
    login(client, office)
    assert f'value="{items["pipe"].id}"' in text(client.get(f"/tickets/{ticket.id}"))
    routed = client.post(
        f"/tickets/{ticket.id}/route",
        data={
            "route-responsible_party": "contractor_warranty",
            "route-warranty_item_id": str(items["pipe"].id),
            "route-reason": "雨水管在质保期内",
        },
    )
    assert routed.status_code == 302
    db.session.refresh(ticket)
    assert (ticket.responsible_party.value, ticket.assignee_firm_id, ticket.warranty_item_id) == (
        "contractor_warranty",
        city.contractor.id,
        items["pipe"].id,
    )
    assert [t["id"] for t in api.as_(city.users["contractor_staff"]).get("/api/v1/tickets").json] == [ticket.id]
    assert move(api, city.users["firm_staff"], ticket.id, "assigned").status_code == 403
    release = f"/api/v1/projects/{items['project'].id}/deposit/release"
    assert api.as_(office).post(release, json={"reason": "到期"}).status_code == 409
    for to in ("assigned", "in_progress", "resolved"):
        assert move(api, city.users["contractor_staff"], ticket.id, to).status_code == 200
    done = client.post(
        f"/track/{ticket.tracking_code}/confirm", data={"confirm-satisfaction": "5", "confirm-confirm_key": key}
    )
    assert done.status_code == 302 and ticket.status.value == "closed" and ticket.satisfaction == 5
    assert api.as_(office).post(release, json={"reason": "到期"}).status_code == 201
