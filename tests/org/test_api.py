"""The organisation API: creating the city, firms and contracts, and the rules that refuse bad input."""

from __future__ import annotations

import json

from tests.factories import CompoundFactory, FirmFactory, HouseholdFactory, UserFactory

VALID_USCC = "91350100M000100Y43"


def test_admin_builds_a_district_street_community_and_compound(api, city):
    admin = api.as_(city.users["admin"])
    district = admin.post("/api/v1/districts", json={"name": "晋安区"})
    assert district.status_code == 201 and district.json["id"]
    street = admin.post("/api/v1/streets", json={"name": "茶园街道", "district_id": district.json["id"]})
    assert street.status_code == 201
    community = admin.post("/api/v1/communities", json={"name": "茶园社区", "street_id": street.json["id"]})
    assert community.status_code == 201
    compound = admin.post(
        "/api/v1/compounds",
        json={
            "code": "JA-0001",
            "name": "茶园新村",
            "street_id": street.json["id"],
            "community_id": community.json["id"],
            "renovation_type": "improvement",
            "acceptance_date": "2023-11-30",
            "management_mode": "quasi",
        },
    )
    assert compound.status_code == 201, compound.json
    assert compound.json["households"] == 0 and compound.json["renovation_type"] == "improvement"


def test_street_officer_registers_compounds_only_in_its_streets(api, city):
    officer = api.as_(city.users["street_officer"])
    body = {"code": "GL-0099", "name": "新小区", "management_mode": "none"}
    assert officer.post("/api/v1/compounds", json={**body, "street_id": city.street.id}).status_code == 201
    foreign = officer.post("/api/v1/compounds", json={**body, "code": "GL-0100", "street_id": city.other_street.id})
    assert foreign.status_code == 422
    assert foreign.json["errors"] == {"street_id": ["unknown street"]}


def test_roles_that_only_read_cannot_register_compounds(api, city):
    body = {"code": "GL-0101", "name": "x", "street_id": city.street.id, "management_mode": "none"}
    for role in ("firm_staff", "contractor_staff", "committee_member"):
        assert api.as_(city.users[role]).post("/api/v1/compounds", json=body).status_code == 403


def test_duplicate_compound_code_is_a_conflict(api, city):
    response = api.as_(city.users["admin"]).post(
        "/api/v1/compounds",
        json={"code": city.compound.code, "name": "重名", "street_id": city.street.id, "management_mode": "none"},
    )
    assert response.status_code == 409
    assert response.json["errors"] == {"code": ["already exists"]}


def test_compound_code_is_permanent_and_other_fields_patch(api, city):
    officer = api.as_(city.users["street_officer"])
    url = f"/api/v1/compounds/{city.compound.id}"
    assert officer.patch(url, json={"code": "NEW-1"}).status_code == 422
    response = officer.patch(url, json={"management_mode": "self_managed", "address": "东门路9号"})
    assert response.status_code == 200
    assert response.json["management_mode"] == "self_managed" and response.json["code"] == city.compound.code


def test_committee_member_reads_but_cannot_change_its_compound(api, city):
    member = api.as_(city.users["committee_member"])
    assert member.patch(f"/api/v1/compounds/{city.compound.id}", json={"name": "x"}).status_code == 403


def test_a_body_that_sets_fields_the_caller_may_not_is_refused(api, city):
    response = api.as_(city.users["street_officer"]).patch(
        f"/api/v1/compounds/{city.compound.id}", json={"id": 999, "created_at": "2020-01-01"}
    )
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"id", "created_at"}


def test_error_shape_names_fields(api, city):
    response = api.as_(city.users["admin"]).post("/api/v1/compounds", json={"name": ""})
    assert response.status_code == 422
    assert set(response.json) == {"code", "message", "errors"}
    assert {"code", "street_id", "management_mode", "name"} <= set(response.json["errors"])


def test_uscc_with_a_wrong_check_character_is_refused_naming_the_field(api, city):
    admin = api.as_(city.users["admin"])
    bad = VALID_USCC[:-1] + "4"
    response = admin.post("/api/v1/firms", json={"kind": "property", "name": "某物业", "uscc": bad})
    assert response.status_code == 422
    assert "uscc" in response.json["errors"]
    assert "check character" in response.json["errors"]["uscc"][0]
    created = admin.post("/api/v1/firms", json={"kind": "property", "name": "某物业", "uscc": VALID_USCC.lower()})
    assert created.status_code == 201 and created.json["uscc"] == VALID_USCC
    again = admin.post("/api/v1/firms", json={"kind": "contractor", "name": "另一家", "uscc": VALID_USCC})
    assert again.status_code == 409


def _contract(city, **overrides):
    body = {
        "compound_id": city.other.id,
        "firm_id": city.firm.id,
        "start": "2036-01-01",
        "end": "2038-12-31",
        "fee_rate": "0.85",
    }
    return {**body, **overrides}


def test_contract_fee_rate_is_a_decimal_string_in_yuan(api, city):
    admin = api.as_(city.users["admin"])
    response = admin.post("/api/v1/contracts", json=_contract(city))
    assert response.status_code == 201, response.json
    assert response.json["fee_rate"] == "0.85" and response.json["active"] is False
    assert (
        admin.post(
            "/api/v1/contracts", json=_contract(city, start="2039-01-01", end="2039-12-31", fee_rate=0.85)
        ).status_code
        == 422
    )
    assert admin.post(
        "/api/v1/contracts", json=_contract(city, start="2039-01-01", end="2039-12-31", fee_rate="0.855")
    ).json["errors"]["fee_rate"]


def test_at_most_one_contract_per_compound_at_a_time(api, city):
    admin = api.as_(city.users["admin"])
    overlapping = admin.post("/api/v1/contracts", json=_contract(city, start="2035-06-01"))
    assert overlapping.status_code == 409
    assert f"contract {city.other_contract.id}" in overlapping.json["errors"]["start"][0]
    ended = admin.patch(f"/api/v1/contracts/{city.other_contract.id}", json={"end": "2035-05-31"})
    assert ended.status_code == 200 and ended.json["end"] == "2035-05-31"
    assert admin.post("/api/v1/contracts", json=_contract(city, start="2035-06-01")).status_code == 201


def test_contract_needs_a_property_firm_and_ordered_dates(api, city):
    admin = api.as_(city.users["admin"])
    assert admin.post("/api/v1/contracts", json=_contract(city, firm_id=city.contractor.id)).json["errors"] == {
        "firm_id": ["must be a property-service firm"]
    }
    assert "end" in admin.post("/api/v1/contracts", json=_contract(city, end="2035-01-01")).json["errors"]


def test_households_are_added_by_the_serving_firm_and_masked_for_committee(api, city):
    body = {
        "building": "2号楼",
        "unit": "2-301",
        "floor_area_m2": "86.40",
        "owner_name": "李四",
        "owner_phone": "13912345678",
    }
    created = api.as_(city.users["firm_staff"]).post(f"/api/v1/compounds/{city.compound.id}/households", json=body)
    assert created.status_code == 201, created.json
    assert created.json["floor_area_m2"] == "86.40" and created.json["owner_phone"] == "13912345678"
    dup = api.as_(city.users["firm_staff"]).post(f"/api/v1/compounds/{city.compound.id}/households", json=body)
    assert dup.status_code == 409
    listed = api.as_(city.users["committee_member"]).get(f"/api/v1/compounds/{city.compound.id}/households").json
    mine = next(h for h in listed if h["unit"] == "2-301")
    assert mine["owner_phone"] == "139****5678" and mine["owner_name"] == "李*"
    assert (
        api.as_(city.users["committee_member"])
        .post(f"/api/v1/compounds/{city.compound.id}/households", json={**body, "unit": "2-302"})
        .status_code
        == 403
    )


def test_household_area_must_be_positive_with_two_decimals(api, city):
    admin = api.as_(city.users["admin"])
    url = f"/api/v1/compounds/{city.compound.id}/households"
    for area in ("0", "-3", "12.345", "abc", 80.5):
        response = admin.post(url, json={"building": "3号楼", "unit": "3-101", "floor_area_m2": area})
        assert response.status_code == 422 and "floor_area_m2" in response.json["errors"], area


def test_lists_paginate_with_a_total(api, city):
    for n in range(5):
        CompoundFactory(street=city.street, code=f"PG-{n:03d}")
    response = api.as_(city.users["street_officer"]).get("/api/v1/compounds?page=2&page_size=2")
    meta = json.loads(response.headers["X-Pagination"])
    assert meta["total"] == 6 and meta["page"] == 2 and len(response.json) == 2


def test_compound_filters_and_search(api, city):
    admin = api.as_(city.users["admin"])
    assert [c["code"] for c in admin.get(f"/api/v1/compounds?street_id={city.other_street.id}").json] == ["TJ-0001"]
    assert [c["code"] for c in admin.get("/api/v1/compounds?q=东门").json] == ["GL-0001"]
    assert admin.get("/api/v1/compounds?management_mode=bogus").status_code == 422


def test_compound_detail_counts_households_with_one_query_per_page(api, city):
    HouseholdFactory(building=city.household.building, unit="1-102", floor_area_dm2=5000)
    detail = api.as_(city.users["admin"]).get(f"/api/v1/compounds/{city.compound.id}").json
    assert detail["households"] == 2 and detail["buildings"] == 1 and detail["floor_area_m2"] == "136.40"


def test_openapi_is_public_and_describes_the_org_routes(client):
    spec = client.get("/api/v1/openapi.json").json
    for path in (
        "/api/v1/compounds",
        "/api/v1/compounds/{compound_id}/households",
        "/api/v1/firms",
        "/api/v1/contracts",
        "/api/v1/auth/token",
    ):
        assert path in spec["paths"], path


def test_unknown_api_path_is_json_404(api, city):
    response = api.as_(city.users["admin"]).get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.json["code"] == "not_found"


def test_firm_list_filters_by_kind(api, city):
    FirmFactory(kind="supervisor", name="监理一号")
    kinds = {f["kind"] for f in api.as_(city.users["regulator"]).get("/api/v1/firms?kind=supervisor").json}
    assert kinds == {"supervisor"}


def test_regulator_cannot_create_users_through_create_user_without_binding(app):
    import pytest

    from pm_app.auth.services import create_user
    from pm_app.errors import DomainError

    with pytest.raises(DomainError) as exc:
        create_user("someone", "longenough", "street_officer")
    assert "street_ids" in exc.value.errors
    UserFactory(username="taken")
    with pytest.raises(DomainError):
        create_user("taken", "longenough", "admin")
