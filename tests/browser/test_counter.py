"""The cashier's journey in Chromium, in Chinese: search 3-2-301 at the fee counter, open the
household's account, pay its three oldest months at once, get the receipt with the print dialog,
and find it in the day's cash-up."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from pm_app.auth.models import User
from pm_app.extensions import db
from pm_app.fees.counter.household_search import query
from pm_app.fees.models import Bill, BillStatus, Receipt
from tests.browser.test_homes import sign_in

pytestmark = pytest.mark.browser


def _household_owing_three_months(app) -> int:
    """A household at 3号楼 2-301 the demo firm serves that owes three months or more."""
    with app.app_context():
        firm = db.session.scalar(select(User).where(User.username == "firm"))
        for household, _compound, _building in db.session.execute(query(firm, "3-2-301")):
            owed = db.session.scalar(
                select(func.count())
                .select_from(Bill)
                .where(
                    Bill.household_id == household.id,
                    Bill.firm_id == firm.firm_id,
                    Bill.status.in_((BillStatus.unpaid, BillStatus.partial)),
                )
            )
            if owed >= 3:
                return household.id
    pytest.fail("the demo firm has no household at 3-2-301 owing three months")


def test_a_cashier_finds_pays_three_months_prints_and_closes_the_day(tab, server, artefacts):
    page = tab.page
    household_id = _household_owing_three_months(server.app)
    # The print dialog would block a headless run: count the calls instead.
    page.add_init_script("window.print = () => { window.__printed = (window.__printed || 0) + 1; };")
    sign_in(page, "firm")
    page.click('nav a[href="/counter"]')
    page.fill('input[name="q"]', "3-2-301")
    page.click('form[role="search"] button[type="submit"]')
    assert "查到的住户" in page.content()
    page.click(f'a[href="/households/{household_id}/account"]')
    assert "户账" in page.inner_text("h1")

    boxes = page.locator('input[name="bill_ids"]')
    assert boxes.count() >= 3
    for n in range(3, boxes.count()):
        boxes.nth(n).uncheck()  # keep the three oldest months
    owed = sum(int(boxes.nth(n).get_attribute("data-owed")) for n in range(3))
    assert page.input_value("#counter-amount") == f"{owed // 100}.{owed % 100:02d}"  # the script recomputed it
    page.select_option('select[name="method"]', "wechat")
    page.fill('input[name="payer_name"]', "王先生")
    page.screenshot(path=artefacts / "counter-account.png", full_page=True)
    page.click('#counter-pay button[type="submit"]')
    page.wait_for_url(re.compile(r"/receipts/\d+\?print=1$"))
    receipt_id = int(re.search(r"/receipts/(\d+)", page.url).group(1))
    page.wait_for_function("window.__printed === 1")
    receipt = page.inner_text("#receipt")
    assert "收据" in receipt and "微信支付" in receipt and "王先生" in receipt and "元" in receipt
    number = re.search(r"\d{4}-\d{6}", receipt).group()
    page.screenshot(path=artefacts / "counter-receipt.png", full_page=True)
    with server.app.app_context():  # numbers run per collecting organisation: the id names the receipt
        assert (
            db.session.scalar(select(Receipt.amount_fen).where(Receipt.id == receipt_id, Receipt.number == number))
            == owed
        )

    page.goto("/cash-up")
    assert number in page.inner_text("main") and "日结" in page.inner_text("h1")
    assert tab.problems == []
