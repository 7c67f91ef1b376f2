"""The property firm's (物业企业) day in Chromium, in Chinese, on pages only (issue 27), besides the
fee counter (test_counter.py) and the month's bills (test_bulk_bills.py): a new report from the
home's worklist taken through its steps — accepted, started, repaired with its cost and a note —
until the ticket reads 已处理; then the compounds' collection rates, the worst one's households
owing three months or more, and one of them opened at its account from the arrears list."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_homes import sign_in

pytestmark = pytest.mark.browser


def _step(page, to: str, note: str = "", cost: str = "") -> None:
    form = page.locator(f'form[data-step="{to}"]')
    if cost:
        form.locator('[name$="-cost"]').fill(cost)
    if note:
        form.locator('[name$="-note"]').fill(note)
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    assert "工单现状态为" in page.inner_text(".flash.success")


def test_the_firm_repairs_a_new_report_and_finds_who_owes(tab, artefacts):
    page = tab.page
    sign_in(page, "firm")
    waiting = page.locator("[data-worklist] a", has_text="新工单")
    assert waiting.count() == 1, page.inner_text("main")[:400]
    page.screenshot(path=artefacts / "firm-1-home.png")

    # 1. A new report, accepted, started and repaired.
    waiting.click()
    page.wait_for_load_state()
    page.locator('table a[href^="/tickets/"]').first.click()
    page.wait_for_selector('form[data-step="assigned"]')
    code = re.search(r"[0-9A-Z]{10}", page.inner_text("h1")).group()
    _step(page, "assigned")
    _step(page, "in_progress", note="已联系住户，下午上门")
    _step(page, "resolved", note="已更换破损部件并试用正常", cost="120.00")
    shown = page.inner_text("main")
    assert code in page.inner_text("h1") and "已处理" in page.inner_text("h1")
    assert "已派单 → 处理中" in shown and "处理中 → 已处理" in shown and "已更换破损部件" in shown
    assert "resolved" not in shown and "in_progress" not in shown and "已解除" not in shown
    page.screenshot(path=artefacts / "firm-2-ticket-resolved.png", full_page=True)

    # 2. Who owes: the compound collecting worst, its households three months or more behind.
    page.click('nav a[href="/fees"]')
    page.locator('section[aria-labelledby="ranked-title"] table tbody a').first.click()
    page.wait_for_selector("#arrears-title")
    page.fill('section[aria-labelledby="arrears-title"] input[name="min_periods"]', "3")
    page.click('section[aria-labelledby="arrears-title"] button[type="submit"]')
    page.wait_for_load_state()
    summary = page.inner_text('section[aria-labelledby="arrears-title"] .summary')
    assert re.search(r"欠费 [1-9]\d* 户", summary), summary
    page.screenshot(path=artefacts / "firm-3-arrears.png", full_page=True)
    owing = page.locator('section[aria-labelledby="arrears-title"] tbody tr').first
    periods = int(owing.locator("td.num").first.inner_text())
    assert periods >= 3
    owing.locator("a").click()
    page.wait_for_url(re.compile(r"/households/\d+/account$"))
    assert "户账" in page.inner_text("h1") and page.locator('input[name="bill_ids"]').count() >= periods
    assert not tab.problems, tab.problems
