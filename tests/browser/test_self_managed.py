"""A self-managed (自管) compound runs its own fees and books in Chromium, in Chinese (issue 24): the
street office registers a fee arrangement naming the compound's 自管会 as the collecting party
(登记收费安排); a member of that 自管会 then bills the month from the compound's fee page, takes a
payment at the fee counter and gets a numbered receipt, posts the month's parking income to the
compound's accounts and finds it in the month's statement.

The demo's own self-managed compounds are run by their 自管会 already (issue 26), so the test adds
a new one with a 自管会 in office and no fee arrangement, in a street that has self-managed
compounds, and creates (through auth.services.create_user, the helper behind `pm-app
create-user`) a street officer for that street and a member of its 自管会, with the demo's password."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from pm_app.auth.models import Role, User
from pm_app.auth.services import create_user
from pm_app.committees.models import Committee, CommitteeKind, CommitteeMember, MemberRole
from pm_app.common.clock import today
from pm_app.extensions import db
from pm_app.fees.models import Bill, Receipt
from pm_app.fees.periods import period_of
from pm_app.org.demo import DEMO_PASSWORD
from pm_app.org.models import Building, Compound, Household, ManagementMode
from tests.browser.test_homes import sign_in

pytestmark = pytest.mark.browser

OFFICER, MEMBER = "street_zg", "zgh_member"
CODE = "ZG-9001"


def _self_managed_compound(app) -> tuple[int, str, int, str]:
    """(compound id, its name, a household's id, how a cashier types its room) of a new 自管
    compound with a 自管会 in office and no fee arrangement yet (the demo's own 自管 compounds are
    run by their 自管会 already); its street officer and 自管会 member exist afterwards."""
    with app.app_context():
        compound = db.session.scalar(select(Compound).where(Compound.code == CODE))
        if compound is None:
            compound = _new_compound()
        household, building = db.session.execute(
            select(Household, Building)
            .join(Building, Building.id == Household.building_id)
            .where(Building.compound_id == compound.id)
            .order_by(Building.name, Household.unit)
            .limit(1)
        ).one()
        if db.session.scalar(select(User.id).where(User.username == OFFICER)) is None:
            create_user(
                OFFICER,
                DEMO_PASSWORD,
                Role.street_officer,
                street_ids=[compound.street_id],
                display_name="自管小区 街道办",
                enforce_policy=False,
            )
            create_user(
                MEMBER,
                DEMO_PASSWORD,
                Role.committee_member,
                compound_id=compound.id,
                display_name=f"{compound.name} 自管会",
                enforce_policy=False,
            )
            db.session.commit()
        number = re.match(r"\d+", building.name).group()
        return compound.id, compound.name, household.id, f"{number}-{household.unit}"


def _new_compound() -> Compound:
    """A 自管 compound as a street office registers one: in a street that has self-managed
    compounds, two buildings of households, and a 自管会 elected last year."""
    template = db.session.scalar(
        select(Compound).where(Compound.management_mode == ManagementMode.self_managed).order_by(Compound.code).limit(1)
    )
    compound = Compound(
        code=CODE,
        name="自管新村",
        street_id=template.street_id,
        community_id=template.community_id,
        address="解放路9号",
        year_built=1992,
        renovation_type=template.renovation_type,
        acceptance_date=date(2024, 6, 30),
        management_mode=ManagementMode.self_managed,
    )
    db.session.add(compound)
    db.session.flush()
    for number in (1, 2):
        building = Building(compound_id=compound.id, name=f"{number}号楼")
        db.session.add(building)
        db.session.flush()
        db.session.add_all(
            [
                Household(
                    compound_id=compound.id,
                    building_id=building.id,
                    unit=f"1-{floor}01",
                    floor_area_dm2=7_850 + floor * 100,
                    owner_name=f"住户{number}{floor}",
                    registered_on=date(2024, 7, 1),
                )
                for floor in (1, 2, 3)
            ]
        )
    elected = date(today().year - 1, 3, 1)
    committee = Committee(
        compound_id=compound.id,
        kind=CommitteeKind.self_management,
        elected_on=elected,
        term_years=3,
        term_end=date(elected.year + 3, 3, 1),
        filed_on=elected,
    )
    committee.members = [
        CommitteeMember(name=name, role=role)
        for name, role in (("陈建国", MemberRole.chair), ("林秀英", MemberRole.member), ("黄志强", MemberRole.member))
    ]
    db.session.add(committee)
    db.session.commit()
    return compound


def test_a_self_management_committee_bills_collects_and_posts_parking_income(tab, server, artefacts):
    page = tab.page
    compound_id, name, household_id, room = _self_managed_compound(server.app)
    day = today()
    period = period_of(day)
    page.add_init_script("window.print = () => { window.__printed = (window.__printed || 0) + 1; };")

    # 1. The street office registers the fee arrangement with the 自管会 collecting.
    sign_in(page, OFFICER)
    page.goto(f"/compounds/{compound_id}")
    assert name in page.inner_text("h1") and "自管" in page.inner_text("main")
    page.click("#new-contract")
    page.wait_for_url(re.compile(rf"/compounds/{compound_id}/contracts/new$"))
    assert "登记收费安排" in page.inner_text("h1")
    assert "自管会" in page.inner_text("#contract-form")
    page.check('input[name="party"][value="committee"]')
    page.fill('input[name="start"]', date(day.year, day.month, 1).isoformat())
    page.fill('input[name="end"]', date(day.year + 2, day.month, 1).isoformat())
    page.fill('input[name="fee_rate"]', "0.60")
    page.screenshot(path=str(artefacts / "self-managed-contract.png"), full_page=True)
    page.click('#contract-form button[type="submit"]')
    page.wait_for_url(re.compile(rf"/compounds/{compound_id}$"))
    assert "收费安排已登记" in page.inner_text(".flash.success")
    page.context.clear_cookies()

    # 2. The 自管会 member bills the month from the compound's fee page.
    sign_in(page, MEMBER)
    page.goto(f"/compounds/{compound_id}/fees")
    assert page.input_value('input[name="period"]') == period
    page.click('button:has-text("生成本账期账单")')
    page.wait_for_url(re.compile(rf"/compounds/{compound_id}/fees\?period={period}$"))
    assert period in page.inner_text(".flash.success")
    assert page.locator(".flash.error").count() == 0
    page.screenshot(path=str(artefacts / "self-managed-bills.png"), full_page=True)
    with server.app.app_context():
        due = db.session.scalar(
            select(Bill.amount_due_fen).where(Bill.household_id == household_id, Bill.period == period)
        )
    assert due and due > 0

    # ...takes the household's payment at the counter and gets a numbered receipt...
    page.goto("/counter")
    page.fill('input[name="q"]', room)
    page.click('form[role="search"] button[type="submit"]')
    assert "查到的住户" in page.content()
    page.click(f'a[href="/households/{household_id}/account"]')
    assert "户账" in page.inner_text("h1")
    assert page.locator('input[name="bill_ids"]').count() == 1
    assert page.input_value("#counter-amount") == f"{due // 100}.{due % 100:02d}"
    page.select_option('select[name="method"]', "cash")
    page.click('#counter-pay button[type="submit"]')
    page.wait_for_url(re.compile(r"/receipts/\d+\?print=1$"))
    page.wait_for_function("window.__printed === 1")
    receipt = page.inner_text("#receipt")
    assert "收据" in receipt and "现金" in receipt and name in receipt
    number = re.search(r"\b\d{4}-\d{6}\b", receipt).group()
    assert number == f"{day.year}-000001"  # the 自管会's own sequence starts here
    page.screenshot(path=str(artefacts / "self-managed-receipt.png"), full_page=True)
    with server.app.app_context():
        assert (
            db.session.scalar(
                select(Receipt.amount_fen).where(Receipt.number == number, Receipt.household_id == household_id)
            )
            == due
        )

    # ...and posts the month's parking income to the compound's books.
    page.goto(f"/compounds/{compound_id}/accounts")
    assert "登记账目" in page.inner_text("#post")
    page.select_option('select[name="entry-account"]', "public_revenue")
    page.select_option('select[name="entry-direction"]', "in")
    page.fill('input[name="entry-amount"]', "320.00")
    page.fill('input[name="entry-entry_date"]', day.isoformat())
    page.fill('input[name="entry-description"]', f"{day.month}月停车收入")
    page.fill('input[name="entry-counterparty"]', "业主停车")
    page.click('#post-entry button[type="submit"]')
    page.wait_for_url(re.compile(rf"/compounds/{compound_id}/accounts\?month={period}$"))
    assert page.locator(".flash.success", has_text="第 1 笔账目已入账").count() == 1  # the books' first entry
    assert f"{period} 收支报表" in page.inner_text("#statement-title")
    line = page.locator('#statement tr[data-account="public_revenue"]')
    assert "公共收益" in line.inner_text() and "320.00" in line.locator("td").nth(1).inner_text()
    assert f"{day.month}月停车收入" in page.inner_text("#entries")
    page.screenshot(path=str(artefacts / "self-managed-accounts.png"), full_page=True)
    assert tab.problems == []
