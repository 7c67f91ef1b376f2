"""Joint completion acceptance: residents take part, two stages in order, a failed acceptance's
defects closed by the re-acceptance that passes, and the warranties starting that day."""

from __future__ import annotations

from datetime import date

import pytest

from pm_app.auth.models import Role
from pm_app.warranties.terms import after_heating_seasons
from tests.factories import UserFactory
from tests.warranties.conftest import add_item

RESIDENTS = [
    {"role": "residents", "name": "王秀兰"},
    {"role": "construction", "name": "城建三公司 李工"},
    {"role": "street", "name": "东街街道 张科长"},
]


def accept(api, user, project_id, **body):
    body = {"stage": "self", "held_on": "2021-06-30", "result": "passed", "participants": RESIDENTS, **body}
    return api.as_(user).post(f"/api/v1/projects/{project_id}/acceptances?lang=en", json=body)


def test_an_acceptance_without_a_residents_representative_is_refused_quoting_the_rule(api, city, project):
    officer = city.users["street_officer"]
    response = accept(
        api,
        officer,
        project["id"],
        participants=[{"role": "construction", "name": "李工"}, {"role": "residents", "name": "  "}],
    )
    assert response.status_code == 422
    assert "实行由居民代表、相关单位等共同参与的联合验收制度" in response.json["message"]
    assert response.json["errors"]["participants"] == ["name at least one residents' representative"]
    assert api.as_(officer).get(f"/api/v1/projects/{project['id']}/acceptances").json == []


def test_the_comprehensive_acceptance_follows_a_passed_self_acceptance(api, city, project):
    officer = city.users["street_officer"]
    early = accept(api, officer, project["id"], stage="comprehensive")
    assert early.status_code == 409 and early.json["errors"]["stage"] == ["self-acceptance not passed yet"]
    assert accept(api, officer, project["id"]).status_code == 201
    again = accept(api, officer, project["id"], held_on="2021-07-01")
    assert again.status_code == 409
    assert accept(api, officer, project["id"], stage="comprehensive", held_on="2021-06-29").status_code == 422


def test_failed_then_rectified_then_passed_sets_the_acceptance_date_and_moves_the_warranties(api, city, project):
    officer = city.users["street_officer"]
    road = add_item(api, officer, project["id"], category="road_paving", description="路面硬化").json
    fixed = add_item(
        api, officer, project["id"], category="greenery", description="补植", warranty_start="2021-04-01"
    ).json
    assert accept(api, officer, project["id"], held_on="2021-08-01").status_code == 201
    no_defects = accept(api, officer, project["id"], stage="comprehensive", held_on="2021-09-01", result="failed")
    assert no_defects.status_code == 422 and "待整改合格后重新予以验收" in no_defects.json["message"]
    failed = accept(
        api,
        officer,
        project["id"],
        stage="comprehensive",
        held_on="2021-09-01",
        result="failed",
        findings=[
            {"description": "3号楼雨水管未接驳", "rectify_by": "2021-09-30"},
            {"description": "路面积水", "rectify_by": "2021-10-15"},
        ],
    )
    assert failed.status_code == 201, failed.json
    assert [f["closed_on"] for f in failed.json["findings"]] == [None, None]
    assert api.as_(officer).get(f"/api/v1/projects/{project['id']}").json["acceptance_date"] == "2021-06-30"

    passed = accept(api, officer, project["id"], stage="comprehensive", held_on="2021-10-20")
    assert passed.status_code == 201
    history = api.as_(officer).get(f"/api/v1/projects/{project['id']}/acceptances").json
    assert [(a["stage"], a["result"]) for a in history] == [
        ("self", "passed"),
        ("comprehensive", "failed"),
        ("comprehensive", "passed"),
    ]
    assert {(f["closed_by_id"], f["closed_on"]) for f in history[1]["findings"]} == {(passed.json["id"], "2021-10-20")}
    assert api.as_(officer).get(f"/api/v1/projects/{project['id']}").json["acceptance_date"] == "2021-10-20"
    # The same items as if the project had been registered accepted on 2021-10-20.
    items = {i["id"]: i for i in api.as_(officer).get(f"/api/v1/projects/{project['id']}/items").json}
    assert (items[road["id"]]["warranty_start"], items[road["id"]]["warranty_end"]) == ("2021-10-20", "2026-10-20")
    assert (items[fixed["id"]]["warranty_start"], items[fixed["id"]]["warranty_end"]) == ("2021-04-01", "2022-04-01")
    later = add_item(api, officer, project["id"], category="wall_fence", description="围墙").json
    assert (later["warranty_start"], later["warranty_end"]) == ("2021-10-20", "2031-10-20")
    assert accept(api, officer, project["id"], stage="comprehensive", held_on="2021-10-21").status_code == 409


def test_a_passed_acceptance_takes_no_defects_and_deadlines_come_after_the_day(api, city, project):
    officer = city.users["street_officer"]
    with_defects = accept(api, officer, project["id"], findings=[{"description": "x", "rectify_by": "2021-07-30"}])
    assert with_defects.status_code == 422 and with_defects.json["errors"]["findings"]
    early = accept(
        api, officer, project["id"], result="failed", findings=[{"description": "井盖松动", "rectify_by": "2021-06-01"}]
    )
    assert early.status_code == 422
    assert accept(api, officer, project["id"], held_on="2999-01-01").status_code == 422


def test_only_the_street_office_and_the_city_record_and_another_street_sees_nothing(api, city, project):
    assert accept(api, city.users["regulator"], project["id"]).status_code == 201
    assert (
        accept(
            api, city.users["contractor_staff"], project["id"], held_on="2021-07-02", stage="comprehensive"
        ).status_code
        == 403
    )
    assert (
        api.as_(city.users["contractor_staff"]).get(f"/api/v1/projects/{project['id']}/acceptances").status_code == 200
    )
    other = UserFactory(role=Role.street_officer, streets=[city.other_street])
    assert api.as_(other).get(f"/api/v1/projects/{project['id']}/acceptances").status_code == 404
    assert accept(api, other, project["id"], stage="comprehensive", held_on="2021-07-02").status_code == 404


@pytest.mark.parametrize(
    "accepted,end",
    [
        (date(2021, 6, 30), date(2023, 4, 16)),  # summer: the next two seasons
        (date(2021, 10, 15), date(2023, 4, 16)),  # the first day of a season counts it whole
        (date(2021, 12, 1), date(2024, 4, 16)),  # mid-season: that season is not a whole one
        (date(2022, 4, 16), date(2024, 4, 16)),
    ],
)
def test_heating_is_guaranteed_for_two_whole_heating_seasons(accepted, end):
    assert after_heating_seasons(accepted, 2) == end


def test_heating_and_exterior_insulation_categories_are_data_with_their_sources(api, city, project):
    officer = city.users["street_officer"]
    categories = {c["code"]: c for c in api.as_(officer).get("/api/v1/warranty-categories").json}
    assert (categories["heating"]["name"], categories["heating"]["min_years"], categories["heating"]["term_unit"]) == (
        "供热系统",
        2,
        "heating_season",
    )
    assert categories["exterior_insulation"]["min_years"] == 5
    assert "第二十三条" in categories["exterior_insulation"]["source"]
    heating = add_item(api, officer, project["id"], category="heating", description="室内供热管网").json
    assert (heating["warranty_start"], heating["warranty_end"]) == ("2021-06-30", "2023-04-16")
    wall = add_item(api, officer, project["id"], category="exterior_insulation", description="外墙保温").json
    assert wall["warranty_end"] == "2026-06-30"
    short = add_item(api, officer, project["id"], category="exterior_insulation", description="x", warranty_years=3)
    assert short.status_code == 422


def test_a_city_adds_a_category_counted_in_heating_seasons(api, city, project):
    created = api.as_(city.users["regulator"]).post(
        "/api/v1/warranty-categories",
        json={
            "code": "heat_exchange",
            "name": "换热站",
            "min_years": 3,
            "source": "市供热办法",
            "term_unit": "heating_season",
        },
    )
    assert created.status_code == 201 and created.json["term_unit"] == "heating_season"
    item = add_item(api, city.users["street_officer"], project["id"], category="heat_exchange", description="换热站")
    assert item.json["warranty_end"] == "2024-04-16"  # seasons 2021–22, 2022–23, 2023–24
    assert (
        api.as_(city.users["regulator"])
        .post(
            "/api/v1/warranty-categories",
            json={"code": "x_y", "name": "x", "min_years": 1, "source": "x", "term_unit": "month"},
        )
        .status_code
        == 422
    )


def test_the_trail_records_who_closed_which_defect(api, city, project):
    from sqlalchemy import select

    from pm_app.audit.models import AuditEvent
    from pm_app.extensions import db

    officer = city.users["street_officer"]
    failed = accept(
        api, officer, project["id"], result="failed", findings=[{"description": "井盖松动", "rectify_by": "2021-07-30"}]
    ).json
    passed = accept(api, officer, project["id"], held_on="2021-07-20").json
    finding = str(failed["findings"][0]["id"])
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.kind == "acceptance_finding", AuditEvent.object_id == finding)
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["create", "update"]
    assert events[1].after["closed_by_id"] == passed["id"] and events[1].actor_id == officer.id


def test_an_acceptance_long_after_the_registered_date_moves_items_past_their_old_end(api, city, project):
    officer = city.users["street_officer"]
    trees = add_item(api, officer, project["id"], category="greenery", description="补植乔木").json
    heating = add_item(api, officer, project["id"], category="heating", description="供热管网").json
    assert (trees["warranty_end"], heating["warranty_end"]) == ("2022-06-30", "2023-04-16")
    assert accept(api, officer, project["id"], held_on="2023-05-01").status_code == 201
    assert accept(api, officer, project["id"], stage="comprehensive", held_on="2023-12-01").status_code == 201
    items = {i["id"]: i for i in api.as_(officer).get(f"/api/v1/projects/{project['id']}/items").json}
    assert (items[trees["id"]]["warranty_start"], items[trees["id"]]["warranty_end"]) == ("2023-12-01", "2024-12-01")
    # accepted mid-season: the 2023–24 season is not a whole one, so 2024–25 and 2025–26
    assert items[heating["id"]]["warranty_end"] == "2026-04-16"
