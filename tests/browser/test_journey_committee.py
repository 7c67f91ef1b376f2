"""The owners' committee's (业委会) day in Chromium, in Chinese, on pages only (issue 27), besides
recording a vote (test_fund_votes.py): from its home to the compound's books — intact, the
month's statement and its entries — a question asked on one entry, which the firm finds in its
list of queries and answers, and the committee reads the answer; then the maintenance-fund votes
with their results, and the committee's own page reading 在任."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from pm_app.auth.models import Role, User
from pm_app.auth.services import create_user
from pm_app.extensions import db
from pm_app.org.demo import DEMO_PASSWORD
from pm_app.org.models import ServiceContract
from tests.browser.test_homes import sign_in

pytestmark = pytest.mark.browser

CASHIER = "books_firm"
QUESTION = "这笔支出的发票能否在公示栏张贴？"
ANSWER = "发票复印件已于本周张贴在3号楼公示栏。"


def _the_firm_keeping_its_books(app) -> None:
    """A staff account of the firm under contract at the `committee` account's compound (the demo
    signs in one firm's staff, which serves other compounds), as `pm-app create-user` makes one."""
    with app.app_context():
        if db.session.scalar(select(User.id).where(User.username == CASHIER)):
            return
        compound_id = db.session.scalar(select(User.compound_id).where(User.username == "committee"))
        firm_id = db.session.scalar(
            select(ServiceContract.firm_id)
            .where(ServiceContract.compound_id == compound_id, ServiceContract.firm_id.is_not(None))
            .order_by(ServiceContract.end_date.desc())
            .limit(1)
        )
        create_user(
            CASHIER,
            DEMO_PASSWORD,
            Role.firm_staff,
            firm_id=firm_id,
            display_name="物业会计 刘女士",
            enforce_policy=False,
        )
        db.session.commit()


def test_the_committee_reads_its_books_asks_about_an_entry_and_reads_its_votes(tab, server, artefacts):
    page = tab.page
    _the_firm_keeping_its_books(server.app)
    sign_in(page, "committee")
    page.screenshot(path=artefacts / "committee-1-home.png")
    assert "在任" in page.inner_text("main") and "启用" not in page.inner_text("main")

    # 1. The books: intact, the month's statement, the entries; a question on one of them.
    page.click('a.button[href$="/accounts"]')
    page.wait_for_selector('[data-verify="ok"]')
    assert "完整" in page.inner_text('[data-verify="ok"]')
    assert "物业费收入" in page.inner_text("#statement") and "fee_income" not in page.inner_text("#statement")
    entry = page.locator("#entries tbody tr[id^='entry-']").first
    entry_id = entry.get_attribute("id")
    entry.locator('textarea[name$="-question"]').fill(QUESTION)
    with page.expect_navigation():
        entry.locator('button:has-text("提出质询")').click()
    assert QUESTION in page.inner_text(f"#{entry_id}")
    page.screenshot(path=artefacts / "committee-2-accounts.png", full_page=True)
    compound_url = re.search(r"/compounds/\d+", page.url).group()

    # ...which the firm answers from its list of open queries...
    page.context.clear_cookies()
    sign_in(page, CASHIER)
    page.goto("/accounts/queries")
    asked = page.locator("tr[data-query]", has_text=QUESTION)
    asked.locator('textarea[name$="answer"]').fill(ANSWER)
    with page.expect_navigation():
        asked.locator('button[type="submit"]').click()
    page.screenshot(path=artefacts / "committee-3-firm-answers.png", full_page=True)

    # ...and the committee reads the answer beside its question.
    page.context.clear_cookies()
    sign_in(page, "committee")
    page.goto(f"{compound_url}/accounts")
    answered = page.locator(f"#{entry_id}")
    assert ANSWER in answered.inner_text(), answered.inner_text()

    # 2. The maintenance-fund votes and what each allows.
    page.click("#fund-votes-link")
    page.wait_for_selector('[data-table="votes"]')
    votes = page.inner_text('[data-table="votes"]')
    assert "表决事项" in votes and "use" not in votes
    assert "本小区专有部分面积" in page.inner_text("#vote-base")
    page.screenshot(path=artefacts / "committee-4-fund-votes.png", full_page=True)
    assert not tab.problems, tab.problems
