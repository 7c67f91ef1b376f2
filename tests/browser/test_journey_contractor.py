"""The contractor's (施工企业) day in Chromium, in Chinese, on pages only (issue 27): from its home to
its open warranty claims, one found by the ticket's tracking code as a resident or the street
office reads it out (lower case, with a dash), the repair recorded on the project's page, which
closes the claim after a confirmation naming it by that code, and the project's quality deposit (质量保证金) read there; the closed claim has
left the open list."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_homes import sign_in

pytestmark = pytest.mark.browser

REPAIR = "已更换松动地砖并重新铺砂找平，经住户确认"


def test_the_contractor_finds_a_claim_by_its_code_repairs_it_and_reads_its_deposit(tab, artefacts):
    page = tab.page
    sign_in(page, "contractor")
    page.screenshot(path=artefacts / "contractor-1-home.png")

    # 1. The open claims, and one found by its ticket's tracking code as it is read out.
    page.click("#claims-link")
    page.wait_for_selector("#claims")
    code = page.locator("#claims tr[data-claim] a.code").first.inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{10}", code), code
    page.fill('#claims input[name="claim"]', f"{code[:5].lower()}-{code[5:].lower()}")
    page.click('#claims form[role="search"] button[type="submit"]')
    page.wait_for_selector("#claims-title")
    assert code in page.inner_text("#claims-title") and "保修单" in page.inner_text("#claims-title")
    found = page.locator("#claims tr[data-claim]")
    assert found.count() == 1
    claim_id = found.get_attribute("data-claim")
    page.screenshot(path=artefacts / "contractor-2-claim-by-code.png", full_page=True)

    # 2. The repair recorded on the project's page closes the claim.
    found.locator('a[href^="/projects/"]').click()
    row = page.locator(f"#claim-{claim_id}")
    row.locator('input[name$="note"]').fill(REPAIR)
    with page.expect_navigation():
        row.locator('button[type="submit"]').click()
    assert f"关闭保修单 {code}" in page.inner_text("#confirm-title")  # irreversible: asked first, by its code
    with page.expect_navigation():
        page.click('main form button[type="submit"]')
    assert f"保修单 {code} 已关闭" in page.inner_text(".flash.success")
    closed = page.locator(f"#claim-{claim_id}").inner_text()
    assert REPAIR in closed and "已关闭" in closed and "closed" not in closed, closed
    assert code in closed  # still named by its tracking code

    # 3. The project's quality deposit, as the street office will decide on it.
    deposit = page.inner_text("#deposit")
    assert "质量保证金" in deposit and "质保金" in deposit and "剩余" in deposit
    assert re.search(r"\d{1,3}(,\d{3})*\.\d{2}", deposit), deposit  # money grouped, two places
    page.locator("#deposit").scroll_into_view_if_needed()
    page.screenshot(path=artefacts / "contractor-3-project-deposit.png", full_page=True)

    # The closed claim has left the open list.
    page.goto("/warranties#claims")
    assert page.locator(f'#claims tr[data-claim="{claim_id}"]').count() == 0
    assert not tab.problems, tab.problems
