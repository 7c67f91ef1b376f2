"""Inspections open warranty claims for in-warranty defects, and open claims hold the deposit."""

from __future__ import annotations

from tests.warranties.conftest import add_item


def inspect(api, user, compound_id, inspected_on, findings, project_id=None, score=82):
    return api.as_(user).post(
        "/api/v1/inspections?lang=en",
        json={
            "compound_id": compound_id,
            "project_id": project_id,
            "inspected_on": inspected_on,
            "participants": "东街街道、甲物业、丙建设、业主代表",
            "score": score,
            "summary": "质保期满前联合检查",
            "findings": findings,
        },
    )


def test_a_finding_on_an_item_in_warranty_opens_a_claim_and_one_after_expiry_does_not(api, city, project):
    officer = city.users["street_officer"]
    road = add_item(api, officer, project["id"], category="road_paving", description="路面硬化").json  # to 2026-06-30
    pipes = add_item(
        api, officer, project["id"], category="plumbing_electrical", description="雨水管"
    ).json  # to 2023-06-30
    response = inspect(
        api,
        officer,
        city.compound.id,
        "2026-05-20",
        [
            {"description": "3号楼前路面沉降开裂", "warranty_item_id": road["id"]},
            {"description": "雨水管堵塞", "warranty_item_id": pipes["id"]},
            {"description": "宣传栏破损"},
        ],
        project_id=project["id"],
    )
    assert response.status_code == 201, response.json
    assert [f["in_warranty"] for f in response.json["findings"]] == [True, False, False]
    claims = api.as_(officer).get(f"/api/v1/warranty-claims?project_id={project['id']}").json
    assert [(c["warranty_item_id"], c["state"], c["ticket_id"]) for c in claims] == [(road["id"], "open", None)]


def test_the_last_day_of_the_warranty_is_covered_and_the_end_date_is_not(api, city, project):
    officer = city.users["street_officer"]
    road = add_item(api, officer, project["id"], category="road_paving", description="路面").json
    last_day = inspect(
        api, officer, city.compound.id, "2026-06-29", [{"description": "裂缝", "warranty_item_id": road["id"]}]
    )
    end_day = inspect(
        api, officer, city.compound.id, "2026-06-30", [{"description": "裂缝", "warranty_item_id": road["id"]}]
    )
    assert last_day.json["findings"][0]["in_warranty"] is True
    assert end_day.json["findings"][0]["in_warranty"] is False


def test_a_finding_may_not_name_another_compounds_item(api, city, project):
    officer = city.users["street_officer"]
    road = add_item(api, officer, project["id"], category="road_paving", description="路面").json
    regulator = city.users["regulator"]
    response = inspect(
        api, regulator, city.other.id, "2026-05-20", [{"description": "x", "warranty_item_id": road["id"]}]
    )
    assert response.status_code == 422 and "findings.0.warranty_item_id" in response.json["errors"]


def test_release_is_refused_while_a_claim_is_open_and_allowed_once_it_is_closed(api, city, project):
    officer = api.as_(city.users["street_officer"])
    road = add_item(api, city.users["street_officer"], project["id"], category="road_paving", description="路面").json
    inspect(
        api,
        city.users["street_officer"],
        city.compound.id,
        "2026-05-20",
        [{"description": "路面沉降", "warranty_item_id": road["id"]}],
    )
    url = f"/api/v1/projects/{project['id']}/deposit/release?lang=en"
    refused = officer.post(url, json={"reason": "质保期满"})
    assert refused.status_code == 409 and "1 warranty claim" in refused.json["message"]
    (claim,) = officer.get(f"/api/v1/warranty-claims?project_id={project['id']}&state=open").json
    contractor = api.as_(city.users["contractor_staff"])
    closed = contractor.post(f"/api/v1/warranty-claims/{claim['id']}/close", json={"note": "已返修，街道验收合格"})
    assert closed.status_code == 200 and closed.json["state"] == "closed"
    assert contractor.post(f"/api/v1/warranty-claims/{claim['id']}/close", json={"note": "again"}).status_code == 409
    released = officer.post(url, json={"reason": "质保期满，联合检查合格"})
    assert released.status_code == 201 and released.json["amount"] == "1200000.00"
    state = officer.get(f"/api/v1/projects/{project['id']}").json
    assert (state["deposit_state"], state["deposit_returned"]) == ("released", "1200000.00")
    assert officer.post(url, json={"reason": "again"}).status_code == 409


def test_a_partial_forfeit_then_release_leaves_the_deposit_partly_forfeited(api, city, project):
    officer = api.as_(city.users["street_officer"])
    base = f"/api/v1/projects/{project['id']}/deposit"
    missing = officer.post(f"{base}/forfeit?lang=en", json={"amount": "200000.00", "reason": ""})
    assert missing.status_code == 422 and "reason" in missing.json["errors"]
    too_much = officer.post(f"{base}/forfeit?lang=en", json={"amount": "1200000.01", "reason": "x"})
    assert too_much.status_code == 422 and "amount" in too_much.json["errors"]
    officer.post(f"{base}/forfeit", json={"amount": "200000.00", "reason": "施工单位未按期返修，街道另行委托维修"})
    officer.post(f"{base}/release", json={"reason": "余额退还"})
    state = officer.get(f"/api/v1/projects/{project['id']}").json
    assert (state["deposit_state"], state["deposit_forfeited"], state["deposit_returned"]) == (
        "partly_forfeited",
        "200000.00",
        "1000000.00",
    )
    history = officer.get(base).json
    assert [(d["kind"], d["amount"]) for d in history] == [("forfeit", "200000.00"), ("release", "1000000.00")]


def test_only_the_office_decides_on_the_deposit(api, city, project):
    for role in ("firm_staff", "committee_member", "contractor_staff"):
        response = api.as_(city.users[role]).post(
            f"/api/v1/projects/{project['id']}/deposit/release", json={"reason": "x"}
        )
        assert response.status_code == 403, role
