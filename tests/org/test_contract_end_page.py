"""Ending a fee arrangement early on a page (issue 27: only PATCH /api/v1/contracts/<id> did it)."""

from __future__ import annotations

from datetime import date

import pytest

from pm_app.extensions import db
from tests.org.test_pages import login, page


def test_the_street_office_ends_the_current_arrangement_from_the_compound_page(client, city):
    login(client, city.users["street_officer"])
    assert f"/contracts/{city.contract.id}/end" in page(client, f"/compounds/{city.compound.id}")
    body = page(client, f"/contracts/{city.contract.id}/end")
    assert "提前终止收费安排" in body and "甲物业" in body and "服务截止日期" in body
    response = client.post(f"/contracts/{city.contract.id}/end", data={"end": "2027-06-30"})
    assert response.status_code == 302, response.get_data(as_text=True)[:600]
    db.session.refresh(city.contract)
    assert city.contract.end_date == date(2027, 6, 30)


@pytest.mark.parametrize(
    "end,said", [("2023-12-31", "截止日期不能早于合同开始日期"), ("2036-01-31", "更晚的日期会延长合同")]
)
def test_a_refused_day_is_named_beside_the_field_and_kept(client, city, end, said):
    login(client, city.users["street_officer"])
    response = client.post(f"/contracts/{city.contract.id}/end", data={"end": end})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and said in body and f'value="{end}"' in body
    db.session.refresh(city.contract)
    assert city.contract.end_date == date(2035, 12, 31)


@pytest.mark.parametrize("role,status", [("firm_staff", 403), ("committee_member", 403), ("regulator", 200)])
def test_who_may_end_it(client, city, role, status):
    login(client, city.users[role])
    assert client.get(f"/contracts/{city.contract.id}/end").status_code == status


def test_another_streets_contract_does_not_exist_for_the_street_office(client, city):
    login(client, city.users["street_officer"])
    assert client.get(f"/contracts/{city.other_contract.id}/end").status_code == 404
    assert client.post(f"/contracts/{city.other_contract.id}/end", data={"end": "2027-01-01"}).status_code == 404
