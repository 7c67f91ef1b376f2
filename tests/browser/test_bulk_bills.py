"""The demo firm bills next month for all its compounds in a real Chromium, in Chinese: from the
fee overview to the confirmation (how many compounds, which month), then the job page, whose
progress bar static/job.js follows on the server's thread pool until the summary is drawn."""

from __future__ import annotations

import re

import pytest

from pm_app.common.clock import today
from pm_app.fees.periods import period_of, shift
from tests.browser.test_homes import sign_in

pytestmark = pytest.mark.browser


def test_the_firm_confirms_follows_the_bar_and_reads_the_summary(tab, server, artefacts, monkeypatch):
    monkeypatch.setitem(server.app.config, "JOBS_MODE", "thread")  # as `pm-app demo` runs it: in the background
    page, period = tab.page, shift(period_of(today()), 1)
    sign_in(page, "firm")
    page.goto("/fees")
    page.click("#bulk-generate")
    page.fill('input[name="period"]', period)
    page.click("#choose button[type=submit]")
    what = page.inner_text("#confirm-what")
    count = int(re.search(r"的 (\d+) 个小区生成", what).group(1))
    assert period in what and count >= 5
    assert page.locator("#confirm tbody tr").count() == count
    page.check('#confirm input[name="confirm"]')  # required: the bills are not withdrawn
    page.click("#confirm-button")
    page.wait_for_url(re.compile(r"/jobs/\d+$"))
    page.wait_for_selector("#job-summary", timeout=60_000)  # job.js reloads the page once the job has ended
    assert page.inner_text("#job-state") == "已完成"
    assert page.get_attribute("#job-bar", "value") == str(count)
    totals = page.inner_text("#summary-totals")
    assert f"小区：{count}" in totals and "新建账单：" in totals
    assert page.locator("#summary-table tbody tr").count() == count
    page.screenshot(path=str(artefacts / "bulk-bills-summary.png"), full_page=True)
    page.reload()  # the summary is the job's row: it survives a reload
    assert page.inner_text("#job-state") == "已完成"
    assert tab.problems == []
