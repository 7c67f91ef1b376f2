"""Who sees and does what: the role matrix over the rankings API and pages, the pages' steps, and
the firm_blacklisted alert raised on publication."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pm_app.alerts.models import Alert, AlertRecipient
from pm_app.extensions import db
from tests.rankings.conftest import login
from tests.rankings.test_flow import deduct, start

ROLES = ("admin", "regulator", "street_officer", "firm_staff", "contractor_staff", "committee_member")


def to_review(api, quarter):
    period_id = start(api, quarter)
    deduction = deduct(api, quarter, period_id, quarter.city.firm, "2")
    other = deduct(api, quarter, period_id, quarter.city.other_firm, "3")
    api.as_(quarter.city.users["regulator"]).post(f"/api/v1/rankings/periods/{period_id}/review")
    return period_id, deduction, other


@pytest.mark.parametrize(
    "role,firms",
    [
        ("admin", {"甲物业", "乙物业", "丁物业"}),
        ("regulator", {"甲物业", "乙物业", "丁物业"}),
        ("street_officer", {"甲物业"}),  # its street's compounds are served by firm A only
        ("firm_staff", {"甲物业"}),
        ("contractor_staff", None),
        ("committee_member", None),
    ],
)
def test_who_sees_which_results_in_review(api, quarter, role, firms):
    period_id, deduction, other = to_review(api, quarter)
    user = quarter.city.users[role]
    response = api.as_(user).get(f"/api/v1/rankings/periods/{period_id}")
    if firms is None:
        assert response.status_code == 404
        assert api.as_(user).get("/api/v1/rankings/periods").json == []
        assert api.as_(user).get(f"/api/v1/deductions?period_id={period_id}").json == []
        return
    assert {r["firm"] for r in response.json["results"]} == firms
    seen = {d["id"] for d in api.as_(user).get(f"/api/v1/deductions?period_id={period_id}").json}
    assert (other["id"] in seen) == ("乙物业" in firms) and deduction["id"] in seen


@pytest.mark.parametrize(
    "role,status",
    [
        ("admin", 200),
        ("regulator", 200),
        ("street_officer", 403),
        ("firm_staff", 403),
        ("contractor_staff", 404),
        ("committee_member", 404),
    ],
)
def test_only_the_city_runs_the_steps(api, quarter, role, status):
    period_id, _deduction, _other = to_review(api, quarter)
    response = api.as_(quarter.city.users[role]).post(f"/api/v1/rankings/periods/{period_id}/publish")
    assert response.status_code == status


def test_a_draft_is_hidden_from_firms_and_streets(api, quarter):
    period_id = start(api, quarter)
    for role in ("street_officer", "firm_staff", "contractor_staff", "committee_member"):
        assert api.as_(quarter.city.users[role]).get(f"/api/v1/rankings/periods/{period_id}").status_code == 404


@pytest.mark.parametrize(
    "role,status",
    [
        ("firm_staff", 201),
        ("regulator", 403),
        ("street_officer", 403),
        ("contractor_staff", 404),
        ("committee_member", 404),
    ],
)
def test_only_the_firm_appeals_its_own_deduction(api, quarter, role, status):
    _period_id, deduction, other = to_review(api, quarter)
    response = api.as_(quarter.city.users[role]).post(
        "/api/v1/appeals", json={"deduction_id": deduction["id"], "grounds": "理由充分"}
    )
    assert response.status_code == status
    # Another firm's deduction does not exist for this firm.
    foreign = api.as_(quarter.city.users["firm_staff"]).post(
        "/api/v1/appeals", json={"deduction_id": other["id"], "grounds": "理由"}
    )
    assert foreign.status_code == 404


def test_firm_deciding_its_own_appeal_is_forbidden(api, quarter):
    _period_id, deduction, _other = to_review(api, quarter)
    firm_user = quarter.city.users["firm_staff"]
    appeal = api.as_(firm_user).post("/api/v1/appeals", json={"deduction_id": deduction["id"], "grounds": "理由"}).json
    assert api.as_(firm_user).post(f"/api/v1/appeals/{appeal['id']}/decision", json={"accept": True}).status_code == 403
    assert (
        api.as_(quarter.city.users["committee_member"])
        .post(f"/api/v1/appeals/{appeal['id']}/decision", json={"accept": True})
        .status_code
        == 404
    )


def test_publishing_alerts_the_blacklisted_firm_and_its_street_offices(api, quarter):
    city = quarter.city
    period_id, _d, _o = to_review(api, quarter)
    api.as_(city.users["regulator"]).post(f"/api/v1/rankings/periods/{period_id}/publish")
    # A: 55.67 − 2 = 53.67 and B: 61.34 − 3 = 58.34, both C: both black-listed.
    alerts = list(db.session.scalars(select(Alert).where(Alert.rule == "firm_blacklisted").order_by(Alert.subject_id)))
    assert [(a.subject_type, a.subject_id, a.stage) for a in alerts] == [
        ("firm", city.firm.id, "2026Q2"),
        ("firm", city.other_firm.id, "2026Q2"),
    ]
    for alert, firm, street in zip(alerts, (city.firm, city.other_firm), (city.street, city.other_street)):
        audiences = set(
            db.session.execute(
                select(AlertRecipient.audience, AlertRecipient.org_id).where(AlertRecipient.alert_id == alert.id)
            )
        )
        assert audiences == {("firm", firm.id), ("street", street.id), ("regulator", 0)}
    seen = api.as_(city.users["firm_staff"]).get("/api/v1/alerts?rule=firm_blacklisted").json
    assert len(seen) == 1
    assert api.as_(city.users["committee_member"]).get("/api/v1/alerts?rule=firm_blacklisted").json == []


def test_the_workspace_pages_walk_the_period_through(client, api, quarter):
    city = quarter.city
    login(client, city.users["regulator"])
    created = client.post("/rankings/periods", data={"period": "2026Q2"})
    assert created.status_code == 303
    period_url = created.headers["Location"]
    period_id = int(period_url.rstrip("/").split("/")[-1])
    assert client.post(f"/rankings/periods/{period_id}/compute").status_code == 303
    page = client.get(f"/rankings/periods/{period_id}?lang=en").get_data(as_text=True)
    assert "甲物业" in page and "55.67" in page and "85.0 %" in page and "data-chart" in page
    assert (
        client.post(
            f"/rankings/periods/{period_id}/adjustments",
            data={"firm_id": city.firm.id, "points": "3", "reason": "消防通道堵塞", "evidence": "通报3号"},
        ).status_code
        == 303
    )
    assert "52.67" in client.get(f"/rankings/periods/{period_id}").get_data(as_text=True)
    bad = client.post(
        f"/rankings/periods/{period_id}/adjustments?lang=en",
        data={"firm_id": city.firm.id, "points": "x", "reason": "理由"},
    )
    assert bad.status_code == 422 and "points" in bad.get_data(as_text=True)
    asked = client.post(f"/rankings/periods/{period_id}/review")  # irreversible: it asks first
    assert asked.status_code == 200 and 'name="confirm" type="hidden" value="1"' in asked.get_data(as_text=True)
    assert client.post(f"/rankings/periods/{period_id}/review", data={"confirm": "1"}).status_code == 303
    client.post("/logout")

    login(client, city.users["firm_staff"])
    mine = client.get(f"/rankings/periods/{period_id}/firms/{city.firm.id}?lang=en")
    assert mine.status_code == 200 and "52.67" in mine.get_data(as_text=True)
    assert client.get(f"/rankings/periods/{period_id}/firms/{city.other_firm.id}").status_code == 404
    deduction_id = api.as_(city.users["regulator"]).get(f"/api/v1/deductions?period_id={period_id}").json[0]["id"]
    assert client.post(f"/rankings/deductions/{deduction_id}/appeal", data={"grounds": "当日已清理"}).status_code == 303
    client.post("/logout")

    login(client, city.users["regulator"])
    appeal_id = api.as_(city.users["regulator"]).get("/api/v1/appeals").json[0]["id"]
    assert client.post(f"/rankings/appeals/{appeal_id}/decision", data={"accept": "true"}).status_code == 303
    assert client.post(f"/rankings/periods/{period_id}/publish", data={"confirm": "1"}).status_code == 303
    assert client.post(f"/rankings/periods/{period_id}/compute").status_code == 409
    assert client.get("/rankings/scheme").status_code == 200
    saved = client.post(
        "/rankings/scheme",
        data={
            **{
                f"{c}.{k}": v
                for c, r in api.as_(city.users["regulator"])
                .get("/api/v1/rankings/schemes")
                .json[0]["indicators"]
                .items()
                for k, v in r.items()
            },
            "bands": "AAA 90 red\nA 60\nC 0 black",
            "award_cap": "5",
            "appeal_days": "7",
            "min_households": "10",
        },
    )
    assert saved.status_code == 303
    assert api.as_(city.users["regulator"]).get("/api/v1/rankings/schemes").json[0]["bands"][1] == {
        "grade": "A",
        "min": "60",
        "list": None,
    }


@pytest.mark.parametrize("role,status", [("contractor_staff", 404), ("committee_member", 404)])
def test_others_have_only_the_public_page(client, quarter, role, status):
    login(client, quarter.city.users[role])
    assert client.get("/rankings").status_code == status
    assert client.get("/rankings/public").status_code == 200
