"""The maintenance-fund votes page: the committee records an owners' vote on a page (not only
through the API), sees whether it meets Art. 278 and what is left to draw; a refusal keeps what
was typed and names the field; the firm reads but does not record; other compounds are 404."""

from __future__ import annotations

from sqlalchemy import func, select

from pm_app.committees.models import FundVote
from pm_app.extensions import db
from tests.committees.conftest import add_households, entry_ok, login

FORM = {
    "vote-matter": "use",
    "vote-purpose": "3号楼屋面防水维修",
    "vote-amount": "８００.00",
    "vote-voted_on": "2026-03-01",
    "vote-participating_area": "2000",
    "vote-participating_owners": "20",
    "vote-approving_area": "1010.00",
    "vote-approving_owners": "11",
}


def _fund(api, city):
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


def _votes() -> int:
    return db.session.scalar(select(func.count()).select_from(FundVote))


def test_the_committee_records_a_vote_on_its_page_and_reads_the_result(api, client, city):
    _fund(api, city)
    login(client, city.users["committee_member"])
    url = f"/compounds/{city.compound.id}/fund-votes"
    assert "维修资金表决" in client.get(f"/compounds/{city.compound.id}/accounts").get_data(as_text=True)
    response = client.post(url, data=FORM, follow_redirects=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "符合《民法典》第二百七十八条" in body
    assert _votes() == 1
    row = body[body.index('data-table="votes"') :]
    assert "使用专项维修资金" in row and "800.00" in row and "通过" in row and "use" not in row
    # the vote is offered to a draw on the accounts page, where the firm keeps the books
    login(client, city.users["firm_staff"])
    assert "3号楼屋面防水维修" in client.get(f"/compounds/{city.compound.id}/accounts").get_data(as_text=True)


def test_a_vote_for_raising_the_fund_needs_three_quarters_and_says_so(api, client, city):
    _fund(api, city)
    login(client, city.users["committee_member"])
    body = client.post(
        f"/compounds/{city.compound.id}/fund-votes", data={**FORM, "vote-matter": "raise"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "不符合《民法典》第二百七十八条" in body and "未通过" in body and "四分之三" in body


def test_a_refusal_keeps_what_was_typed_and_names_the_field(api, client, city):
    _fund(api, city)
    login(client, city.users["committee_member"])
    response = client.post(
        f"/compounds/{city.compound.id}/fund-votes",
        data={**FORM, "vote-approving_area": "2500", "vote-participating_owners": "二十"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and _votes() == 0
    assert "请填写业主人数" in body and 'value="3号楼屋面防水维修"' not in body  # a textarea keeps its text inside
    assert "3号楼屋面防水维修" in body and 'value="2500"' in body
    again = client.post(f"/compounds/{city.compound.id}/fund-votes", data={**FORM, "vote-approving_area": "2500"})
    assert again.status_code == 422 and "More than the participating floor area" not in again.get_data(as_text=True)
    assert _votes() == 0


def test_the_firm_reads_the_votes_without_a_form_and_may_not_post(api, client, city):
    _fund(api, city)
    login(client, city.users["firm_staff"])
    page = client.get(f"/compounds/{city.compound.id}/fund-votes")
    assert page.status_code == 200 and 'id="vote-form"' not in page.get_data(as_text=True)
    assert client.post(f"/compounds/{city.compound.id}/fund-votes", data=FORM).status_code == 403


def test_another_streets_compound_is_404(api, client, city):
    login(client, city.users["committee_member"])
    assert client.get(f"/compounds/{city.other.id}/fund-votes").status_code == 404
