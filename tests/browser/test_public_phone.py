"""A resident on a phone (390×844), in Chinese (issue 27): scans the notice board's code, says
what needs repairing in plain words and how urgent it is, with a photo, keeps the tracking code the
receipt shows; the firm repairs it and adds a photo of the repair; the resident opens the tracking
page and sees the steps, what was done and that photo. Every field and choice is a target at
least 44 px tall, labels sit above their fields, radios inside their rows, and nothing scrolls
sideways."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from sqlalchemy import select

from pm_app.auth.models import Role, User
from pm_app.extensions import db
from pm_app.org.models import Compound
from pm_app.tickets import attachments, services
from pm_app.tickets.models import TicketStatus as S

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _png(width: int = 160, height: int = 120) -> bytes:
    """A plain green picture, as a phone's photo stands in for one."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x30\xa0\x50" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _a_compound(app) -> str:
    with app.app_context():
        return db.session.scalar(select(Compound.code).order_by(Compound.code).limit(1))


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def _outside_its_card(page) -> list[str]:
    """Choices and fields sticking out of the card that holds them (a fieldset is as wide as its
    content unless told otherwise: five ratings overflowed)."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('.card label, .card input, .card textarea'))
        .filter(e => e.offsetParent !== null
                && e.getBoundingClientRect().right > e.closest('.card').getBoundingClientRect().right + 0.5)
        .map(e => (e.innerText || e.name).slice(0, 40))""")


def _too_small(page, selector: str) -> list[str]:
    """The visible targets under `selector` less than 44 px tall, by their text or name."""
    return page.evaluate(
        """sel => Array.from(document.querySelectorAll(sel))
        .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
        .map(e => (e.innerText || e.name || e.outerHTML).slice(0, 40) + ' ' + e.getBoundingClientRect().height)""",
        selector,
    )


def _repair(app, tracking_code: str, png: bytes) -> None:
    """The firm's side, as its staff would do it on the ticket page."""
    with app.app_context(), app.test_request_context():
        ticket = services.by_tracking_code(tracking_code)
        firm = db.session.scalar(
            select(User).where(User.role == Role.firm_staff, User.firm_id == ticket.assignee_firm_id).limit(1)
        )
        if firm is None:  # the demo signs in one firm's staff; the compound's firm gets a repairer
            firm = User(
                username=f"repairer-{ticket.id}",
                display_name="李师傅",
                password_hash="-",
                role=Role.firm_staff,
                firm_id=ticket.assignee_firm_id,
            )
            db.session.add(firm)
            db.session.flush()
        for to in (S.assigned, S.in_progress):
            services.transition(firm, ticket, to)
        attachments.attach(firm, ticket, io.BytesIO(png), "修好了.png")
        services.transition(firm, ticket, S.resolved, note="已更换楼道破损的扶手并重新固定")
        db.session.commit()


def test_a_resident_reports_from_a_phone_and_follows_the_repair(tab, server, artefacts, tmp_path):
    page = tab.page
    page.set_viewport_size(PHONE)
    code = _a_compound(server.app)
    page.goto(f"/c/{code}")
    assert "我要报修" in page.inner_text("h1") or "报修" in page.inner_text("h1")
    _no_sideways_scroll(page)
    form = ".public-form"
    assert (
        _too_small(
            page,
            f"{form} fieldset.choices label, {form} input[type=text], {form} input[type=tel], "
            f"{form} input[type=file], {form} select, {form} textarea, {form} button[type=submit], a.tap",
        )
        == []
    )
    assert _outside_its_card(page) == []

    # Each radio sits inside its row, beside its words (it floated above them as a full-width block).
    for row in page.locator(f"{form} fieldset.choices label").all():
        radio, words = row.locator("input").bounding_box(), row.locator("span").bounding_box()
        assert radio["width"] < 40 and radio["x"] < words["x"], row.inner_text()
        assert abs((radio["y"] + radio["height"] / 2) - (words["y"] + words["height"] / 2)) < 12, row.inner_text()
    # The description: under its label, the form's width, a few lines tall.
    box = page.locator(f"{form} textarea").bounding_box()
    label_top = page.locator(f"{form} label:has(textarea)").bounding_box()["y"]
    width = page.locator(form).bounding_box()["width"]
    assert box["y"] > label_top + 10 and box["width"] > width - 40 and box["height"] >= 100
    page.screenshot(path=artefacts / "public-report-phone.png", full_page=True)

    page.click(f"{form} label:has-text('楼道')")
    assert page.is_checked("input[name=what][value=stairwell]")
    if page.locator("select[name=building] option").count() > 1:
        page.select_option("select[name=building]", index=1)
    page.fill("input[name=location]", "2单元3楼")
    page.fill("textarea[name=description]", "楼道扶手松动，老人上下楼很危险")
    page.click(f"{form} label:has-text('紧急')")
    photo = tmp_path / "扶手.png"
    photo.write_bytes(_png())
    page.set_input_files("input[name=photo]", str(photo))
    page.fill("input[name=reporter_phone]", "13812345678")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("#tracking-code")

    tracking_code = page.inner_text("#tracking-code").strip()
    assert len(tracking_code) >= 8
    assert float(page.eval_on_selector("#tracking-code", "e => parseFloat(getComputedStyle(e).fontSize)")) >= 30
    assert "截图" in page.inner_text(".receipt") and page.is_visible("#confirm-key")
    _no_sideways_scroll(page)
    page.screenshot(path=artefacts / "public-receipt-phone.png", full_page=True)

    _repair(server.app, tracking_code, _png())

    # Later: the resident opens the tracking page with the code from the receipt.
    page.goto("/track")
    page.fill("input[name=code]", tracking_code.lower())
    page.click("form button[type=submit]")
    page.wait_for_selector("#steps")
    steps = page.locator("#steps li").all_inner_texts()
    assert [s.split("\n")[0].replace("（当前）", "").strip() for s in steps] == [
        "已受理",
        "已派单",
        "处理中",
        "已办结",
        "已确认",
    ]
    assert "（当前）" in steps[3] and all(":" in s for s in steps[:4])  # a Beijing time under each step passed
    assert page.inner_text("#resolution-note") == "已更换楼道破损的扶手并重新固定"
    shown = page.locator("#what-was-done img")
    assert shown.count() == 1
    assert page.evaluate("e => e.naturalWidth", shown.element_handle()) == 160  # the photo loaded
    text = page.inner_text("main")
    assert "13812345678" not in text and "2单元3楼" not in text and "楼道扶手松动" not in text
    _no_sideways_scroll(page)
    assert _too_small(page, ".public-form fieldset.choices label, .public-form button[type=submit]") == []
    assert _outside_its_card(page) == []
    page.screenshot(path=artefacts / "public-track-phone.png", full_page=True)
    assert tab.problems == []
