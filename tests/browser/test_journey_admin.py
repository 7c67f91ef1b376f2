"""The system administrator's day in Chromium, in Chinese, on pages only (issue 27): an account for
a new clerk of a street office, a compound registered in that street with its property firm's
fee arrangement, an e-mail address for the street office's alerts, and the audit log showing
what was done, in labels and Beijing time; the clerk then signs in and finds the compound."""

from __future__ import annotations

import re
from datetime import date

import pytest

from pm_app.common.clock import today
from tests.browser.test_homes import sign_in

pytestmark = pytest.mark.browser

CLERK, PASSWORD = "jiedao_wang", "Dongjie-2026-wang"
CODE, NAME = "AD-0001", "管理员登记新村"


def test_the_admin_adds_a_clerk_a_compound_its_contract_and_an_alert_address(tab, artefacts):
    page = tab.page
    sign_in(page, "admin")
    page.screenshot(path=artefacts / "admin-1-home.png")

    # 1. An account for a street office's new clerk.
    page.click('nav a[href="/admin/users"]')
    page.click('a.button[href="/admin/users/new"]')
    page.fill('input[name="username"]', CLERK)
    page.fill('input[name="display_name"]', "街道办 王科员")
    page.fill('input[name="password"]', PASSWORD)
    page.select_option('select[name="role"]', "street_officer")
    street = page.locator("#street_ids option").first
    street_name = street.inner_text().split("·")[-1].strip()
    page.select_option("#street_ids", street.get_attribute("value"))
    page.screenshot(path=artefacts / "admin-2-new-user.png", full_page=True)
    page.click('#user-form button[type="submit"]')
    page.wait_for_url(re.compile(r"/admin/users$"))
    assert CLERK in page.inner_text(".flash.success")
    row = page.locator("tr", has_text=CLERK)
    assert "街道办工作人员" in row.inner_text() or street_name in row.inner_text(), row.inner_text()
    assert "street_officer" not in page.inner_text("main")

    # 2. A compound in that street, and the property firm's fee arrangement.
    page.goto("/compounds")
    page.click("#new-compound")
    page.fill("#code", CODE)
    page.fill("#name", NAME)
    page.select_option("#street_id", label=street_name)
    page.fill("#address", "测试路 8 号")
    page.fill("#year_built", "1990")
    page.select_option("#renovation_type", "basic")
    page.select_option("#management_mode", "professional")
    page.click("#compound-form button[type=submit]")
    page.wait_for_selector("#new-contract")
    assert NAME in page.inner_text("h1") and "专业物业" in page.inner_text("main")
    page.click("#new-contract")
    assert "登记收费安排" in page.inner_text("h1")
    page.check('input[name="party"][value="firm"]')
    firm = page.locator('select[name="firm_id"] option[value]:not([value=""])').first
    firm_name = firm.inner_text().strip()
    page.select_option('select[name="firm_id"]', firm.get_attribute("value"))
    start = date(today().year, today().month, 1)
    page.fill('input[name="start"]', start.isoformat())
    page.fill('input[name="end"]', date(start.year + 3, start.month, 1).isoformat())
    page.fill('input[name="fee_rate"]', "0.85")
    page.click('#contract-form button[type="submit"]')
    page.wait_for_selector(".flash.success")
    assert "收费安排已登记" in page.inner_text(".flash.success")
    assert firm_name in page.inner_text("main") and "0.85" in page.inner_text("main")
    page.screenshot(path=artefacts / "admin-3-compound.png", full_page=True)

    # 3. The street office's alerts also go to an e-mail address, once a day.
    page.goto("/alerts/endpoints")
    office = page.locator('select[name="organisation"] option', has_text=street_name).first
    page.select_option('select[name="organisation"]', office.get_attribute("value"))
    page.select_option('select[name="kind"]', "email")
    page.fill('input[name="target"]', "jiedao@example.gov.cn")
    page.select_option('select[name="digest"]', index=1)
    page.click('#endpoint-form button[type="submit"]')
    page.wait_for_selector("#endpoints")
    shown = page.inner_text("#endpoints")
    assert "电子邮件" in shown and "jiedao@example.gov.cn" in shown and "email" not in shown.replace("jiedao@", "")
    page.screenshot(path=artefacts / "admin-4-endpoints.png", full_page=True)

    # 4. The audit log says who did what, in labels and Beijing time.
    page.goto("/audit")
    page.fill('input[name="actor"]', "admin")
    page.click('form.filters button[type="submit"]')
    log = page.inner_text("table.audit")
    assert "新建" in log and CLERK in log and "北京时间" in page.inner_text("table.audit thead")
    assert "\\u" not in log and "street_officer" not in log  # Chinese as characters, roles as labels
    page.screenshot(path=artefacts / "admin-5-audit.png")
    assert not tab.problems, tab.problems

    # 5. The clerk signs in and finds the compound in the street's list.
    page.context.clear_cookies()
    page.goto("/login")
    page.fill('input[name="username"]', CLERK)
    page.fill('input[name="password"]', PASSWORD)
    page.click('form button[type="submit"]')
    page.wait_for_url(re.compile(r"^http://[^/]+/$"))
    page.goto("/compounds")
    assert NAME in page.inner_text("main")
    assert not tab.problems, tab.problems
