"""Registering and correcting a compound on a page (issue 27: the street office did it only through
the API): who may, what it offers, and that a refusal keeps what was typed beside the field."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from pm_app.extensions import db
from pm_app.org.models import Compound, ManagementMode, RenovationType
from tests.factories import CommunityFactory
from tests.org.test_pages import login, page

FORM = {
    "code": "GL-0099",
    "name": "西湖新村",
    "address": "西湖路 9 号",
    "year_built": "1996",
    "renovation_type": "improvement",
    "acceptance_date": "2025-10-20",
    "management_mode": "street_entrusted",
}


def _registered(code: str):
    return db.session.scalar(select(Compound).where(Compound.code == code))


def test_the_street_office_registers_a_compound_of_its_street(client, city):
    login(client, city.users["street_officer"])
    assert 'id="new-compound"' in page(client, "/compounds")
    body = page(client, "/compounds/new")
    assert "登记小区" in body and "街道社区托管" in body and "完善类" in body  # enums by their labels
    assert "东街街道" in body and "东门社区" in body and "南街街道" not in body  # only its own street
    response = client.post(
        "/compounds/new", data={**FORM, "street_id": city.street.id, "community_id": city.community.id}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:600]
    compound = _registered("GL-0099")
    assert (compound.street_id, compound.community_id, compound.year_built) == (city.street.id, city.community.id, 1996)
    assert compound.renovation_type == RenovationType.improvement
    assert compound.management_mode == ManagementMode.street_entrusted
    assert compound.acceptance_date == date(2025, 10, 20)
    assert response.headers["Location"].endswith(f"/compounds/{compound.id}")


def test_a_taken_code_is_refused_beside_the_field_and_the_form_keeps_what_was_typed(client, city):
    login(client, city.users["street_officer"])
    response = client.post("/compounds/new", data={**FORM, "code": city.compound.code, "street_id": city.street.id})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "这个编码已被其他小区使用" in body and "西湖新村" in body and "西湖路 9 号" in body
    assert 'value="1996"' in body and 'selected value="improvement"' in body
    assert _registered("GL-0099") is None


def test_a_bad_code_and_a_missing_mode_are_named_in_chinese(client, city):
    login(client, city.users["street_officer"])
    response = client.post(
        "/compounds/new", data={**FORM, "code": "西湖", "management_mode": "", "street_id": city.street.id}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "3 到 32 个字母、数字或连字符" in body and "西湖新村" in body
    assert "This field is required" not in body and "Not a valid" not in body


def test_another_streets_street_or_community_is_refused(client, city):
    login(client, city.users["street_officer"])
    foreign = client.post("/compounds/new", data={**FORM, "street_id": city.other_street.id})
    assert foreign.status_code == 422 and _registered("GL-0099") is None
    elsewhere = CommunityFactory(name="南门社区", street=city.other_street)
    mixed = client.post("/compounds/new", data={**FORM, "street_id": city.street.id, "community_id": elsewhere.id})
    assert mixed.status_code == 422 and _registered("GL-0099") is None


@pytest.mark.parametrize(
    "role,status",
    [("regulator", 200), ("admin", 200), ("firm_staff", 403), ("contractor_staff", 403), ("committee_member", 403)],
)
def test_who_may_open_the_registration_page(client, city, role, status):
    login(client, city.users[role])
    assert client.get("/compounds/new").status_code == status
    assert ('id="new-compound"' in page(client, "/compounds")) == (status == 200)


def test_the_street_office_corrects_its_compound_but_not_its_code(client, city):
    login(client, city.users["street_officer"])
    assert 'id="edit-compound"' in page(client, f"/compounds/{city.compound.id}")
    body = page(client, f"/compounds/{city.compound.id}/edit")
    assert "修改小区信息" in body and 'value="东门新村"' in body and 'name="code"' not in body
    response = client.post(
        f"/compounds/{city.compound.id}/edit",
        data={**FORM, "code": "CHANGED", "street_id": city.street.id, "community_id": "", "name": "东门新村（一期）"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:600]
    db.session.refresh(city.compound)
    assert city.compound.name == "东门新村（一期）" and city.compound.code == "GL-0001"
    assert city.compound.community_id is None and city.compound.management_mode == ManagementMode.street_entrusted


def test_a_refused_edit_keeps_the_typing_and_changes_nothing(client, city):
    login(client, city.users["street_officer"])
    response = client.post(
        f"/compounds/{city.compound.id}/edit",
        data={**FORM, "name": "新名字", "year_built": "1850", "street_id": city.street.id},
    )
    assert response.status_code == 422 and 'value="新名字"' in response.get_data(as_text=True)
    db.session.refresh(city.compound)
    assert city.compound.name == "东门新村"


@pytest.mark.parametrize("role,status", [("firm_staff", 403), ("committee_member", 403), ("contractor_staff", 403)])
def test_others_may_not_edit_and_another_streets_compound_does_not_exist(client, city, role, status):
    login(client, city.users[role])
    assert client.get(f"/compounds/{city.compound.id}/edit").status_code in (status, 404)
    assert 'id="edit-compound"' not in client.get(f"/compounds/{city.compound.id}").get_data(as_text=True)
    login(client, city.users["street_officer"])
    assert client.get(f"/compounds/{city.other.id}/edit").status_code == 404
    assert (
        client.post(f"/compounds/{city.other.id}/edit", data={**FORM, "street_id": city.street.id}).status_code == 404
    )
