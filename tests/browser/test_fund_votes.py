"""The committee records an owners' maintenance-fund vote on its page in Chromium, in Chinese,
and reads whether it meets Civil Code Art. 278 (issue 26's Art. 278 on a page, not only the API)."""

from __future__ import annotations

import pytest

from tests.browser.test_homes import sign_in

pytestmark = pytest.mark.browser


def test_the_committee_records_a_fund_vote_and_reads_the_result(tab, artefacts):
    page = tab.page
    sign_in(page, "committee")
    page.click('a[href$="/committee"]')  # the home links the committee page of its compound
    page.click("text=维修资金表决")
    page.wait_for_selector("#vote-form")
    page.select_option("#vote-matter", "use")
    page.fill("#vote-purpose", "5号楼外墙渗水维修")
    page.fill("#vote-amount", "12000")
    page.fill("#vote-voted_on", "2026-11-20")
    households = page.inner_text("main")
    page.fill("#vote-participating_area", "1")
    page.fill("#vote-participating_owners", "1")
    page.fill("#vote-approving_area", "1")
    page.fill("#vote-approving_owners", "1")
    page.click("#vote-form button[type=submit]")
    page.wait_for_selector('[data-table="votes"]')
    shown = page.inner_text("main")
    assert "不符合《民法典》第二百七十八条" in shown and "5号楼外墙渗水维修" in shown and "未通过" in shown
    assert "use" not in shown and "participating" not in shown and households
    page.screenshot(path=artefacts / "fund-votes.png", full_page=True)
    assert not tab.problems, tab.problems
