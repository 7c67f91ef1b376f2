"""The street office registers a compound, corrects it, and sets up where its alerts go, in
Chromium and in Chinese (issue 27: these were only in the API)."""

from __future__ import annotations

import pytest

from tests.browser.test_homes import sign_in

pytestmark = pytest.mark.browser


def test_the_street_office_registers_a_compound_and_sets_up_a_wecom_robot(tab, artefacts):
    page = tab.page
    sign_in(page, "street")
    page.goto("/compounds")
    page.click("#new-compound")
    page.wait_for_selector("#compound-form")
    taken = page.input_value("#street_id") or ""
    page.fill("#code", "新村一号")  # refused: the code is printed in links, ASCII only
    page.fill("#name", "浏览器新村")
    page.select_option("#street_id", index=1)
    page.fill("#address", "测试路 1 号")
    page.fill("#year_built", "1995")
    page.select_option("#renovation_type", "basic")
    page.select_option("#management_mode", "street_entrusted")
    page.click("#compound-form button[type=submit]")
    page.wait_for_selector("#compound-form .error")
    shown = page.inner_text("main")
    assert "字母、数字或连字符" in shown and page.input_value("#name") == "浏览器新村" and taken == ""
    page.screenshot(path=artefacts / "compound-new-refused.png", full_page=True)
    page.fill("#code", "ZZ-0001")
    page.click("#compound-form button[type=submit]")
    page.wait_for_selector("#edit-compound")
    assert "浏览器新村" in page.inner_text("main") and "街道社区托管" in page.inner_text("main")
    page.click("#edit-compound")
    page.wait_for_selector("#compound-form")
    page.screenshot(path=artefacts / "compound-edit.png", full_page=True)

    page.goto("/alerts")
    page.click("#endpoints-link")
    page.wait_for_selector("#endpoint-form")
    page.select_option("#kind", "wecom")
    page.fill("#target", "http://10.0.0.1/hook")
    page.click("#endpoint-form button[type=submit]")
    page.wait_for_selector("#endpoint-form .error")
    page.screenshot(path=artefacts / "endpoints-refused.png", full_page=True)
    page.fill("#target", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=demo")
    page.click("#endpoint-form button[type=submit]")
    page.wait_for_selector("#endpoints")
    shown = page.inner_text("main")
    assert "企业微信群机器人" in shown and "已启用" in shown and "wecom" not in shown
    page.screenshot(path=artefacts / "endpoints.png", full_page=True)
    # the two refusals answer 422 on purpose (the browser logs them); anything else is a fault
    assert not [p for p in tab.problems if "422" not in p], tab.problems
