"""The pages: the committee home, the accounts page (with its forms and CSRF-protected posts) and
the street's coverage overview, for each role; the Done-when walk of a committee member."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from pm_app.auth.models import Role
from tests.committees.conftest import login, register, tampering
from tests.factories import CompoundFactory, UserFactory


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["admin", "regulator", "street_officer", "firm_staff", "committee_member"])
def test_the_committee_and_accounts_pages_render_for_the_compounds_roles(api, client, city, books, role):
    register(api, city.users["street_officer"], city.compound.id, elected_on="2024-03-01")
    login(client, city.users[role])
    home = page(client, f"/compounds/{city.compound.id}/committee?lang=en&as_of=2026-10-01")
    assert 'data-status="active"' in home and "委员0" in home
    assert ("Register an elected committee" in home) is (role in ("admin", "regulator", "street_officer"))
    accounts = page(client, f"/compounds/{city.compound.id}/accounts?lang=en&month=2026-01")
    assert 'data-verify="ok"' in accounts and "data-chart" in accounts
    assert ("Post an entry" in accounts) is (role == "firm_staff")
    assert ("Ask</button>" in accounts) is (role == "committee_member")
    compound_page = page(client, f"/compounds/{city.compound.id}?lang=en")
    assert f"/compounds/{city.compound.id}/accounts" in compound_page


@pytest.mark.parametrize(
    "url",
    ["/compounds/{id}/committee", "/compounds/{id}/accounts", "/compounds/{id}/accounts/statement.csv?month=2026-01"],
)
def test_a_contractor_and_another_street_find_nothing(client, city, url):
    for user in (city.users["contractor_staff"], UserFactory(role=Role.street_officer, streets=[city.other_street])):
        login(client, user)
        page(client, url.format(id=city.compound.id), 404)


def test_done_when_a_committee_member_sees_the_statement_and_then_the_altered_entry(client, city, books):
    """A committee member logs in, sees exactly their compound's statement for a month, and the
    check says the books are intact; after a row is altered in the database the page names it."""
    login(client, city.users["committee_member"])
    body = page(client, f"/compounds/{city.compound.id}/accounts?lang=en&month=2026-02")
    revenue_row = re.search(r'data-account="public_revenue">(.*?)</tr>', body, re.S).group(1)
    assert re.findall(r'class="num">([^<]*)<', revenue_row) == ["150.00", "0.00", "0.00", "150.00"]
    expense_row = re.search(r'data-account="operating_expense">(.*?)</tr>', body, re.S).group(1)
    assert re.findall(r'class="num">([^<]*)<', expense_row) == ["0.00", "0.00", "30.00", "-30.00"]
    assert "The books are intact: 3 entries checked" in body
    page(client, f"/compounds/{city.other.id}/accounts", 404)
    with tampering() as sql:
        sql.execute(text("UPDATE ledger_entry SET amount_fen = 3 WHERE id = :id"), {"id": books[1]["id"]})
    body = page(client, f"/compounds/{city.compound.id}/accounts?lang=en&month=2026-02")
    assert f'data-verify="broken" data-entry="{books[1]["id"]}"' in body
    assert "entry 2 (id %d) is the first that does not hold" % books[1]["id"] in body


def test_statement_exports_have_the_pages_numbers(client, city, books):
    login(client, city.users["street_officer"])
    csv = client.get(f"/compounds/{city.compound.id}/accounts/statement.csv?month=2026-02&lang=en")
    assert csv.status_code == 200
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "Account,Opening,In,Out,Closing"
    assert lines[1:5] == [
        "Fee income,0.00,0.00,0.00,0.00",
        "Public revenue,150.00,0.00,0.00,150.00",
        "Operating expense,0.00,0.00,30.00,-30.00",
        "Maintenance fund,0.00,0.00,0.00,0.00",
    ]
    anchor = "Ledger anchor (the last entry's seq and hash when this statement was issued)"
    assert lines[5:] == ["Fees received (fee module),,0.00,,", f"{anchor},3,{books[2]['hash']},,"]
    xlsx = client.get(f"/compounds/{city.compound.id}/accounts/statement.xlsx?month=2026-02&lang=en")
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(min_row=2, values_only=True))
    assert rows[3] == ("Operating expense", 0, 0, 30, -30)
    assert rows[5][:3] == ("Fees received (fee module)", None, 0)
    assert rows[6][:3] == (anchor, 3, books[2]["hash"])


def test_the_firm_posts_and_answers_and_the_committee_asks_through_the_page(client, city, books):
    firm, member = city.users["firm_staff"], city.users["committee_member"]
    login(client, firm)
    posted = client.post(
        f"/compounds/{city.compound.id}/accounts/entries?lang=en",
        data={
            "entry-account": "public_revenue",
            "entry-direction": "in",
            "entry-amount": "12.50",
            "entry-entry_date": "2026-03-02",
            "entry-description": "广告位租金",
        },
    )
    assert posted.status_code == 302
    refused = client.post(
        f"/compounds/{city.compound.id}/accounts/entries?lang=en",
        data={
            "entry-account": "maintenance_fund",
            "entry-direction": "out",
            "entry-amount": "1.00",
            "entry-entry_date": "2026-03-02",
            "entry-description": "维修",
        },
    )
    assert refused.status_code == 422 and "needs the owners" in refused.get_data(as_text=True)
    login(client, member)
    assert client.post(f"/compounds/{city.compound.id}/accounts/entries", data={}).status_code == 403
    asked = client.post(
        f"/compounds/{city.compound.id}/accounts/entries/{books[2]['id']}/queries",
        data={f"query-{books[2]['id']}-question": "保洁合同在哪里？"},
    )
    assert asked.status_code == 302
    login(client, firm)
    body = page(client, f"/compounds/{city.compound.id}/accounts?lang=en")
    query_id = re.search(r"/accounts/queries/(\d+)/answer", body).group(1)
    answered = client.post(
        f"/compounds/{city.compound.id}/accounts/queries/{query_id}/answer",
        data={f"answer-{query_id}-answer": "已公示在公告栏"},
    )
    assert answered.status_code == 302
    login(client, member)
    assert "已公示在公告栏" in page(client, f"/compounds/{city.compound.id}/accounts?month=2026-02")


def test_the_coverage_page_matches_a_hand_count(api, client, city):
    officer = city.users["street_officer"]
    extra = [CompoundFactory(street=city.street) for _ in range(3)]  # 4 compounds in the street
    register(api, officer, city.compound.id, elected_on="2024-03-01")
    register(api, officer, extra[0].id, elected_on="2020-01-01", term_years=3, kind="self_management")
    login(client, officer)
    body = page(client, "/committees/coverage?as_of=2026-10-01&lang=en")
    found = re.findall(
        r'data-status="(\w+)"><th scope="row">[^<]*</th><td class="num">(\d+)</td>\s*'
        r'<td class="num">([^<]*)</td>',
        body,
    )
    rows = {status: (count, share) for status, count, share in found}
    assert rows == {
        "none": ("2", "50.0 %"),
        "preparing": ("0", "0.0 %"),
        "active": ("1", "25.0 %"),
        "re_election_due": ("0", "0.0 %"),
        "expired": ("1", "25.0 %"),
    }
    login(client, city.users["firm_staff"])
    page(client, "/committees/coverage", 403)


def test_the_accounts_page_opens_on_the_last_month_with_entries(client, city, books):
    login(client, city.users["committee_member"])
    body = page(client, f"/compounds/{city.compound.id}/accounts?lang=en")
    assert "Statement for 2026-02" in body  # the operating expense of 3 Feb, not an empty current month
    expense_row = re.search(r'data-account="operating_expense">(.*?)</tr>', body, re.S).group(1)
    assert re.findall(r'class="num">([^<]*)<', expense_row) == ["0.00", "0.00", "30.00", "-30.00"]


def test_a_refused_entry_is_shown_above_the_books_in_chinese_with_what_was_typed(client, city, books):
    login(client, city.users["firm_staff"])
    refused = client.post(
        f"/compounds/{city.compound.id}/accounts/entries?lang=zh",
        data={
            "entry-account": "maintenance_fund",
            "entry-direction": "out",
            "entry-amount": "12.34",
            "entry-entry_date": "2026-02-10",
            "entry-description": "电梯维修",
        },
    )
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    form_at, statement_at = body.index('id="post-entry"'), body.index('id="statement"')
    error_at = body.index("使用维修资金须经业主表决")
    assert body.index('id="post"') < error_at < statement_at and form_at < statement_at
    assert 'value="电梯维修"' in body and 'value="12.34"' in body
    assert 'value="fee_income"' not in body[form_at:statement_at]  # the system posts fee income


def test_a_fund_draw_picks_the_approving_vote_from_a_list(api, client, city, books):
    from tests.committees.conftest import add_households, entry_ok
    from tests.committees.test_fund import record

    add_households(city.compound.id, 29)
    entry_ok(
        api,
        city.users["firm_staff"],
        city.compound.id,
        account="maintenance_fund",
        amount="1000.00",
        date="2026-01-05",
        description="首次缴存",
    )
    passing = record(api, city.users["committee_member"], city.compound.id).json
    failing = record(
        api, city.users["committee_member"], city.compound.id, approving_households=10, purpose="不通过的表决"
    ).json
    login(client, city.users["firm_staff"])
    body = page(client, f"/compounds/{city.compound.id}/accounts?lang=zh")
    select_html = re.search(r'<select[^>]*name="entry-fund_vote_id".*?</select>', body, re.S).group(0)
    assert f'value="{passing["id"]}"' in select_html and "3号楼屋面防水维修" in select_html
    assert f'value="{failing["id"]}"' not in select_html
    drawn = client.post(
        f"/compounds/{city.compound.id}/accounts/entries?lang=zh",
        data={
            "entry-account": "maintenance_fund",
            "entry-direction": "out",
            "entry-amount": "500.00",
            "entry-entry_date": "2026-03-02",
            "entry-description": "屋面维修",
            "entry-fund_vote_id": str(passing["id"]),
        },
    )
    assert drawn.status_code == 302, drawn.get_data(as_text=True)[:300]
    body = page(client, f"/compounds/{city.compound.id}/accounts?lang=zh")
    assert "尚可动用 300.00 元" in body
