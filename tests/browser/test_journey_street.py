"""The street office's (街道办) day in Chromium, in Chinese, on pages only (issue 27): from the home's
alert to the unanswered report, dispatched to a named person of the responsible firm; an owners'
committee elected in a compound that had none, registered on the compound's committee page; and
the owners' vote on a maintenance-fund repair recorded on the fund-vote page, with the compound's
area and owners shown beside the form, so the two-thirds can be checked before typing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pm_app.auth.models import User
from pm_app.auth.scope import visible
from pm_app.committees.models import Committee
from pm_app.common.clock import today
from pm_app.extensions import db
from pm_app.org.models import Compound, Household
from tests.browser.test_homes import sign_in

pytestmark = pytest.mark.browser

MEMBERS = ["陈建国，主任，13800000001", "林秀英，副主任，13800000002", "黄志强，委员", "王丽华，委员", "张伟，委员"]


def _compound_without_committee(app) -> int:
    """A compound of the `street` account with households and no committee ever registered."""
    with app.app_context():
        street = db.session.scalar(select(User).where(User.username == "street"))
        housed = select(Household.compound_id).group_by(Household.compound_id).having(func.count() > 0)
        found = db.session.scalar(
            visible(Compound, street)
            .where(Compound.id.in_(housed), Compound.id.not_in(select(Committee.compound_id)))
            .order_by(Compound.code)
            .limit(1)
        )
        assert found is not None, "every compound of the street office has a committee"
        return found.id


def test_the_street_office_dispatches_registers_a_committee_and_records_a_fund_vote(tab, server, artefacts):
    page = tab.page
    compound_id = _compound_without_committee(server.app)
    sign_in(page, "street")
    assert "待您处理" in page.inner_text("main")
    page.screenshot(path=artefacts / "street-1-home.png")

    # 1. The unanswered report, from the home's alert, dispatched to a named person.
    page.click('ul.alert-list a[href^="/tickets/"]')
    page.wait_for_selector("#dispatch")
    chosen = next(option for option in page.locator("#dispatch select option").all() if option.get_attribute("value"))
    name = chosen.inner_text().split("（")[0].strip()
    page.select_option("#dispatch select", chosen.get_attribute("value"))
    page.click("#dispatch button[type=submit]")
    page.wait_for_selector(".flash.success")
    assert name in page.inner_text('[data-field="dispatched_to"]')
    page.screenshot(path=artefacts / "street-2-dispatched.png", full_page=True)

    # 2. An owners' committee registered for a compound that had none.
    page.goto(f"/compounds/{compound_id}")
    page.click(f'a[href="/compounds/{compound_id}/committee"]')
    assert "未成立委员会" in page.inner_text("main")
    elected = today() - timedelta(days=10)
    page.select_option('select[name="committee-kind"]', "owners_committee")
    page.fill('input[name="committee-elected_on"]', elected.isoformat())
    page.fill('input[name="committee-term_years"]', "5")
    page.fill('input[name="committee-filed_on"]', today().isoformat())
    page.fill('textarea[name="committee-members"]', "\n".join(MEMBERS))
    page.screenshot(path=artefacts / "street-3-committee-form.png", full_page=True)
    page.click('section[aria-labelledby="register-title"] button[type="submit"]')
    page.wait_for_selector(".flash.success")
    assert f"已登记 {elected.isoformat()} 选举产生的委员会" in page.inner_text(".flash.success")
    history = page.inner_text('section[aria-labelledby="history-title"]')
    assert "业主委员会" in history and "owners_committee" not in history
    assert "未成立委员会" not in page.inner_text("#status-title")
    page.screenshot(path=artefacts / "street-4-committee.png", full_page=True)

    # 3. The owners' vote on a repair from the maintenance fund, recorded with its turnout.
    page.click('a[href$="/fund-votes"]')
    page.wait_for_selector("#vote-form")
    base = page.inner_text("#vote-base")
    area, owners = re.search(r"三分之二为 ([0-9.]+) m²、(\d+) 人", base).groups()
    page.select_option("#vote-matter", "use")
    page.fill("#vote-purpose", "2号楼屋面防水维修")
    page.fill("#vote-amount", "36000")
    page.fill("#vote-voted_on", (today() - timedelta(days=3)).isoformat())
    page.fill("#vote-participating_area", area)
    page.fill("#vote-participating_owners", owners)
    page.fill("#vote-approving_area", area)
    page.fill("#vote-approving_owners", owners)
    page.click("#vote-form button[type=submit]")
    page.wait_for_selector(".flash.success")
    assert "符合《民法典》第二百七十八条" in page.inner_text(".flash.success")
    row = page.locator('[data-table="votes"] tr', has_text="2号楼屋面防水维修")
    assert "表决通过" in row.inner_text() or "通过" in row.inner_text(), row.inner_text()
    assert "36,000.00" in row.inner_text()
    page.screenshot(path=artefacts / "street-5-fund-vote.png", full_page=True)
    assert not tab.problems, tab.problems
