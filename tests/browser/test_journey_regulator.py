"""The city regulator's (市住建局) day in Chromium, in Chinese, on pages only (issue 27): the city
home; the collection rates of one street; the quarter's red/black list — the running quarter
computed and opened for review but not publishable before it ends, the ended one computed,
reviewed and published, each irreversible step after a confirmation that says what will happen;
the renovation report of one district and its Excel file; and the alert inbox's groups
acknowledged in one go."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from pm_app.common.clock import today
from tests.browser.test_homes import sign_in

pytestmark = pytest.mark.browser

STEPS = 'section[aria-labelledby="steps-title"]'


def _confirm(page, asks: str) -> None:
    """The confirmation page of an irreversible step: it names the step, then is confirmed."""
    page.wait_for_selector("#confirm-title")
    assert asks in page.inner_text("#confirm-title") and "请确认" in page.inner_text("main")
    page.click('main form button[type="submit"]')


def _step(page, button: str) -> None:
    page.click(f'{STEPS} button:has-text("{button}")')
    page.wait_for_load_state()


def _ended_quarter() -> str:
    """The quarter before the running one's predecessor: ended, and not seeded by the demo."""
    day = today()
    quarter = (day.month - 1) // 3 + 1 - 2
    year = day.year
    if quarter < 1:
        quarter, year = quarter + 4, year - 1
    return f"{year}Q{quarter}"


def test_the_regulator_reads_the_city_publishes_an_ended_quarter_and_clears_its_alerts(tab, artefacts, tmp_path):
    page = tab.page
    sign_in(page, "regulator")
    assert "全市概览" in page.inner_text("h1")
    page.screenshot(path=artefacts / "regulator-1-home.png")

    # Collection rates, narrowed to one street.
    page.click('nav a[href="/fees"]')
    street = page.locator('select[name="scope"] option[value^="street:"]').first
    name = street.inner_text().strip()
    page.select_option('select[name="scope"]', street.get_attribute("value"))
    page.click('form.filters button[type="submit"]')
    page.wait_for_url(re.compile(r"/fees\?scope=street%3A\d+"))
    assert name in page.inner_text("h1") and "按金额收缴率" in page.inner_text("main")
    assert page.locator("#ranked-title").count() == 1
    page.screenshot(path=artefacts / "regulator-2-fees-street.png", full_page=True)

    # The running quarter: computed and opened for review, but not published before its end.
    running = f"{today().year}Q{(today().month - 1) // 3 + 1}"
    page.goto("/rankings")
    page.click(f'a:text-is("{running}")')
    _step(page, "计算")
    assert f"考评周期 {running}：草稿" in page.inner_text(".flash.success")
    _step(page, "开启公示复核")
    _confirm(page, f"开始 {running} 的公示复核")
    page.wait_for_selector(".flash.success")
    assert f"考评周期 {running}：公示复核中" in page.inner_text(".flash.success")
    publish = page.locator(f'{STEPS} button:has-text("发布")')
    assert publish.is_disabled() and "评价期结束后才能发布" in page.inner_text("#not-yet")
    page.screenshot(path=artefacts / "regulator-3-rankings-not-yet.png", full_page=True)

    # An ended quarter: created, computed, reviewed and published, after confirming each step.
    ended = _ended_quarter()
    page.goto("/rankings")
    page.fill('input[name="period"]', ended)
    page.click('section[aria-labelledby="new-title"] button[type="submit"]')
    page.wait_for_url(re.compile(r"/rankings/periods/\d+$"))
    assert ended in page.inner_text("h1") and "草稿" in page.inner_text("main")
    _step(page, "计算")
    results = page.locator('section[aria-labelledby="table-title"] table').first.inner_text()
    assert "红榜" in results and "无。" not in results  # the firms ranked, the best on the red list
    _step(page, "开启公示复核")
    _confirm(page, f"开始 {ended} 的公示复核")
    page.wait_for_selector(".flash.success")
    _step(page, "发布")
    page.wait_for_selector("#confirm-title")
    assert "发布后将公开，且不能撤回" in page.inner_text("main")
    page.screenshot(path=artefacts / "regulator-4-publish-confirm.png", full_page=True)
    _confirm(page, f"发布 {ended} 的红黑榜")
    page.wait_for_selector(".flash.success")
    shown = page.inner_text("main")
    assert f"考评周期 {ended}：已发布" in shown and "状态" in shown and "已发布" in shown
    assert "published" not in shown and "review" not in shown
    page.screenshot(path=artefacts / "regulator-5-published.png", full_page=True)
    page.goto("/rankings/public")
    assert ended in page.inner_text("main")

    # The renovation report of one district, and its spreadsheet.
    page.goto("/renovation/report")
    district = page.locator('select[name="district_id"] option[value]:not([value=""])').first
    district_name = district.inner_text().strip()
    page.select_option('select[name="district_id"]', district.get_attribute("value"))
    page.click('form.filters button[type="submit"]')
    page.wait_for_url(re.compile(r"/renovation/report\?district_id=\d+"))
    assert "改造资金与进度" in page.inner_text("h1") and "资金来源" in page.inner_text("main")
    page.screenshot(path=artefacts / "regulator-6-renovation.png", full_page=True)
    with page.expect_download() as download:
        page.click('a.button:has-text("下载 Excel")')
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    sheet = load_workbook(saved).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert saved.suffix == ".xlsx" and district_name in rows[0][0] and "北京时间" in rows[0][0]  # the title row
    assert sheet.freeze_panes and any(isinstance(cell, int) for row in rows[2:] for cell in row[1:]), (
        "a frozen header, and figures as numbers a spreadsheet can add up"
    )

    # Alerts: two groups acknowledged at once.
    page.goto("/alerts")
    total = int(re.search(r"共 (\d+) 组", page.inner_text("#bulk-ack")).group(1))
    groups = page.locator('input[form="bulk-ack"][name="group"]')
    assert groups.count() >= 2
    for n in range(2):
        groups.nth(n).check()
    page.click('#bulk-ack button[type="submit"]')
    page.wait_for_selector(".flash.success")
    assert re.search(r"已确认 \d+ 条预警", page.inner_text(".flash.success"))
    assert f"共 {total - 2} 组" in page.inner_text("#bulk-ack")
    page.screenshot(path=artefacts / "regulator-7-alerts.png")
    assert not tab.problems, tab.problems
