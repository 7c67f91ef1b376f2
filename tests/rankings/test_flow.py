"""The life of a period through the API: deductions, awards, veto, appeals, publication, and
that nothing of a published period changes afterwards (admin included)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from pm_app.common.clock import today
from pm_app.extensions import db
from pm_app.rankings.models import RankingResult

BASE_A, BASE_B = "55.67", "61.34"  # see test_indicators


def start(api, quarter, code="2026Q2"):
    regulator = quarter.city.users["regulator"]
    created = api.as_(regulator).post("/api/v1/rankings/periods?lang=en", json={"period": code})
    assert created.status_code == 201, created.json
    period_id = created.json["id"]
    assert api.as_(regulator).post(f"/api/v1/rankings/periods/{period_id}/compute").status_code == 200
    return period_id


def result(api, user, period_id, firm_id) -> dict:
    body = api.as_(user).get(f"/api/v1/rankings/periods/{period_id}").json
    return next(r for r in body["results"] if r["firm_id"] == firm_id)


def deduct(api, quarter, period_id, firm, points, **extra):
    response = api.as_(quarter.city.users["regulator"]).post(
        "/api/v1/deductions?lang=en",
        json={
            "period_id": period_id,
            "firm_id": firm.id,
            "points": points,
            "reason": "未按时整改消防通道堵塞",
            **extra,
        },
    )
    assert response.status_code == 201, response.json
    return response.json


def test_the_done_when_path_appeal_won_then_published_lists_match_the_hand_computation(api, quarter):
    city = quarter.city
    regulator, firm_user = city.users["regulator"], city.users["firm_staff"]
    period_id = start(api, quarter)
    award = api.as_(regulator).post(
        "/api/v1/deductions",
        json={
            "period_id": period_id,
            "firm_id": city.other_firm.id,
            "kind": "award",
            "points": "30",
            "reason": "市级示范项目",
            "evidence": "市住建〔2026〕12号",
        },
    )
    assert award.status_code == 201
    wrong = deduct(api, quarter, period_id, city.firm, "6.5", ticket_id=None, evidence="检查通报第3号")
    assert result(api, regulator, period_id, city.firm.id)["score"] == "49.17"  # 55.67 − 6.50
    b = result(api, regulator, period_id, city.other_firm.id)
    assert (b["awards"], b["score"], b["grade"], b["list"]) == ("10.00", "71.34", "A", None)  # award capped at 10

    # In draft the firm sees nothing; in review its own draft score and deductions.
    assert api.as_(firm_user).get(f"/api/v1/rankings/periods/{period_id}").status_code == 404
    assert api.as_(regulator).post(f"/api/v1/rankings/periods/{period_id}/review").status_code == 200
    mine = api.as_(firm_user).get(f"/api/v1/rankings/periods/{period_id}").json["results"]
    assert [(r["firm_id"], r["score"]) for r in mine] == [(city.firm.id, "49.17")]
    listed = api.as_(firm_user).get(f"/api/v1/deductions?period_id={period_id}").json
    assert [d["id"] for d in listed] == [wrong["id"]]

    appeal = api.as_(firm_user).post(
        "/api/v1/appeals?lang=en", json={"deduction_id": wrong["id"], "grounds": "通道已于检查当日清理，见照片"}
    )
    assert appeal.status_code == 201, appeal.json
    refused = api.as_(regulator).post(f"/api/v1/rankings/periods/{period_id}/publish?lang=en")
    assert refused.status_code == 409 and "undecided" in refused.json["message"]
    decided = api.as_(regulator).post(f"/api/v1/appeals/{appeal.json['id']}/decision", json={"accept": True})
    assert decided.json["state"] == "accepted"
    assert result(api, regulator, period_id, city.firm.id)["score"] == BASE_A

    published = api.as_(regulator).post(f"/api/v1/rankings/periods/{period_id}/publish")
    assert published.status_code == 200 and published.json["state"] == "published"
    public = api.get("/api/v1/public/rankings")
    assert public.status_code == 200
    body = public.json
    assert body["period"] == "2026Q2" and body["red"] == []
    assert [(f["firm"], f["score"], f["grade"], f["list"]) for f in body["black"]] == [("甲物业", BASE_A, "C", "black")]
    assert [(f["firm"], f["score"], f["grade"]) for f in body["firms"]] == [
        ("乙物业", "71.34", "A"),
        ("甲物业", BASE_A, "C"),
        ("丁物业", None, None),
    ]
    assert body["scheme"]["indicators"]["fee_collection"] == {"weight": "30", "floor": "0.6", "target": "0.95"}

    # Afterwards no one, admin included, changes it.
    for user in (regulator, city.users["admin"]):
        for step in ("compute", "review", "publish"):
            assert api.as_(user).post(f"/api/v1/rankings/periods/{period_id}/{step}").status_code == 409
        assert (
            api.as_(user)
            .post(
                "/api/v1/deductions",
                json={"period_id": period_id, "firm_id": city.firm.id, "points": "1", "reason": "补扣"},
            )
            .status_code
            == 409
        )
        assert (
            api.as_(user)
            .post(f"/api/v1/appeals/{appeal.json['id']}/decision", json={"accept": False, "reason": "改判"})
            .status_code
            == 409
        )
    assert (
        api.as_(firm_user)
        .post("/api/v1/appeals", json={"deduction_id": wrong["id"], "grounds": "再次申诉"})
        .status_code
        == 409
    )
    assert api.get("/api/v1/public/rankings").json == body


def test_a_rejected_appeal_keeps_the_deduction_and_needs_a_reason(api, quarter):
    city = quarter.city
    period_id = start(api, quarter)
    wrong = deduct(api, quarter, period_id, city.firm, "5")
    api.as_(city.users["regulator"]).post(f"/api/v1/rankings/periods/{period_id}/review")
    appeal = (
        api.as_(city.users["firm_staff"])
        .post("/api/v1/appeals", json={"deduction_id": wrong["id"], "grounds": "不服"})
        .json
    )
    no_reason = api.as_(city.users["regulator"]).post(
        f"/api/v1/appeals/{appeal['id']}/decision?lang=en", json={"accept": False}
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.json["errors"]
    rejected = api.as_(city.users["regulator"]).post(
        f"/api/v1/appeals/{appeal['id']}/decision", json={"accept": False, "reason": "现场照片显示未整改"}
    )
    assert rejected.json["state"] == "rejected"
    assert result(api, city.users["regulator"], period_id, city.firm.id)["score"] == "50.67"
    again = api.as_(city.users["regulator"]).post(f"/api/v1/appeals/{appeal['id']}/decision", json={"accept": True})
    assert again.status_code == 409


def test_a_veto_forces_the_black_list_whatever_the_score(api, quarter):
    city = quarter.city
    period_id = start(api, quarter)
    api.as_(city.users["regulator"]).post(
        "/api/v1/deductions",
        json={"period_id": period_id, "firm_id": city.other_firm.id, "kind": "award", "points": "10", "reason": "表彰"},
    )
    deduct(api, quarter, period_id, city.other_firm, "1", veto=True, reason="重大安全事故")
    b = result(api, city.users["regulator"], period_id, city.other_firm.id)
    assert (b["score"], b["veto"], b["grade"], b["list"]) == ("70.34", True, "C", "black")
    award_veto = api.as_(city.users["regulator"]).post(
        "/api/v1/deductions?lang=en",
        json={
            "period_id": period_id,
            "firm_id": city.firm.id,
            "kind": "award",
            "points": "1",
            "reason": "x x",
            "veto": True,
        },
    )
    assert award_veto.status_code == 422 and "veto" in award_veto.json["errors"]


def test_weight_and_band_changes_alter_the_scores_as_computed_by_hand(api, quarter):
    """Only on-time and complaints count (1:1): A (55.56 + 40) / 2 = 47.78, B (100 + 100) / 2 = 100.00.
    Bands moved: AAA from 95, black list for C below 50."""
    city, regulator = quarter.city, quarter.city.users["regulator"]
    current = api.as_(regulator).get("/api/v1/rankings/schemes").json[0]
    indicators = {code: {**rule, "weight": "0"} for code, rule in current["indicators"].items()}
    indicators["on_time"]["weight"] = indicators["complaints"]["weight"] = "1"
    bands = [
        {"grade": "AAA", "min": "95", "list": "red"},
        {"grade": "B", "min": "50", "list": None},
        {"grade": "C", "min": "0", "list": "black"},
    ]
    saved = api.as_(regulator).post("/api/v1/rankings/schemes", json={"indicators": indicators, "bands": bands})
    assert saved.status_code == 201 and saved.json["version"] == current["version"] + 1
    period_id = start(api, quarter)
    a = result(api, regulator, period_id, city.firm.id)
    b = result(api, regulator, period_id, city.other_firm.id)
    assert (a["score"], a["grade"], a["list"]) == ("47.78", "C", "black")
    assert (b["score"], b["grade"], b["list"]) == ("100.00", "AAA", "red")


@pytest.mark.parametrize(
    "body,field",
    [
        ({"bands": [{"grade": "A", "min": "60"}, {"grade": "B", "min": "70"}]}, "bands.1.min"),
        ({"bands": [{"grade": "A", "min": "60"}, {"grade": "B", "min": "10"}]}, "bands.1.min"),
        ({"bands": [{"grade": "A", "min": "0", "list": "green"}]}, "bands.0.list"),
        ({"indicators": {"fee_collection": {"weight": "1", "floor": "1", "target": "1"}}}, "indicators"),
        ({"appeal_days": -1}, "appeal_days"),
    ],
)
def test_an_invalid_scheme_is_refused_naming_the_field(api, quarter, body, field):
    response = api.as_(quarter.city.users["regulator"]).post("/api/v1/rankings/schemes?lang=en", json=body)
    assert response.status_code == 422 and field in response.json["errors"], response.json


def test_the_appeal_window_closes(api, quarter, monkeypatch):
    city = quarter.city
    period_id = start(api, quarter)
    wrong = deduct(api, quarter, period_id, city.firm, "5")
    api.as_(city.users["regulator"]).post(f"/api/v1/rankings/periods/{period_id}/review")
    later = today() + timedelta(days=11)
    monkeypatch.setattr("pm_app.rankings.appeals.today", lambda: later)
    late = api.as_(city.users["firm_staff"]).post(
        "/api/v1/appeals?lang=en", json={"deduction_id": wrong["id"], "grounds": "不服"}
    )
    assert late.status_code == 409 and "window" in late.json["message"]


def test_bad_input_is_refused_naming_the_field(api, quarter):
    regulator = quarter.city.users["regulator"]
    bad = api.as_(regulator).post("/api/v1/rankings/periods?lang=en", json={"period": "2026Q5"})
    assert bad.status_code == 422 and "period" in bad.json["errors"]
    period_id = start(api, quarter)
    twice = api.as_(regulator).post("/api/v1/rankings/periods?lang=en", json={"period": "2026Q2"})
    assert twice.status_code == 409
    for body, field in (
        ({"points": "0"}, "points"),
        ({"points": "5", "ticket_id": 999999}, "ticket_id"),
        ({"points": "5", "firm_id": quarter.city.contractor.id}, "firm_id"),
    ):
        response = api.as_(regulator).post(
            "/api/v1/deductions?lang=en",
            json={"period_id": period_id, "firm_id": quarter.city.firm.id, "reason": "理由理由", **body},
        )
        assert response.status_code == 422 and field in response.json["errors"], response.json


def test_publishing_needs_review_and_a_correction_is_a_new_linked_publication(api, quarter):
    city, regulator = quarter.city, quarter.city.users["regulator"]
    period_id = start(api, quarter)
    assert api.as_(regulator).post(f"/api/v1/rankings/periods/{period_id}/publish").status_code == 409
    api.as_(regulator).post(f"/api/v1/rankings/periods/{period_id}/review")
    api.as_(regulator).post(f"/api/v1/rankings/periods/{period_id}/publish")
    fixed = api.as_(regulator).post(f"/api/v1/rankings/periods/{period_id}/correct")
    assert fixed.status_code == 201
    assert (fixed.json["period"], fixed.json["revision"], fixed.json["corrects_id"], fixed.json["state"]) == (
        "2026Q2",
        2,
        period_id,
        "draft",
    )
    assert api.as_(regulator).post(f"/api/v1/rankings/periods/{period_id}/correct").status_code == 409
    new_id = fixed.json["id"]
    api.as_(regulator).post(f"/api/v1/rankings/periods/{new_id}/compute")
    deduct(api, quarter, new_id, city.other_firm, "2")
    assert api.get("/api/v1/public/rankings").json["revision"] == 1  # the draft correction is not public
    api.as_(regulator).post(f"/api/v1/rankings/periods/{new_id}/review")
    api.as_(regulator).post(f"/api/v1/rankings/periods/{new_id}/publish")
    body = api.get("/api/v1/public/rankings").json
    assert body["revision"] == 2 and body["corrects_published_at"] is not None
    assert next(f for f in body["firms"] if f["firm_id"] == city.other_firm.id)["score"] == "59.34"
    old = db.session.scalar(
        select(RankingResult).where(RankingResult.period_id == period_id, RankingResult.firm_id == city.other_firm.id)
    )
    assert str(old.score) == BASE_B


def test_the_service_layer_refuses_any_change_to_a_published_period(api, quarter):
    from pm_app.errors import Conflict
    from pm_app.rankings.models import Adjustment, RankingPeriod

    city, regulator = quarter.city, quarter.city.users["regulator"]
    period_id = start(api, quarter)
    deduct(api, quarter, period_id, city.firm, "1")
    api.as_(regulator).post(f"/api/v1/rankings/periods/{period_id}/review")
    api.as_(regulator).post(f"/api/v1/rankings/periods/{period_id}/publish")
    period = db.session.get(RankingPeriod, period_id)
    row = db.session.scalar(select(RankingResult).where(RankingResult.period_id == period_id).limit(1))
    adjustment = db.session.scalar(select(Adjustment).where(Adjustment.period_id == period_id))
    for change in (
        lambda: setattr(row, "score", 99),
        lambda: setattr(period, "state", "draft"),
        lambda: setattr(adjustment, "void", True),
        lambda: db.session.delete(row),
    ):
        change()
        with pytest.raises(Conflict):
            db.session.flush()
        db.session.rollback()
        period = db.session.get(RankingPeriod, period_id)
        row = db.session.scalar(select(RankingResult).where(RankingResult.period_id == period_id).limit(1))
        adjustment = db.session.scalar(select(Adjustment).where(Adjustment.period_id == period_id))


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ranking_result SET score = 99 WHERE period_id = :id",
        "DELETE FROM ranking_adjustment WHERE period_id = :id",
        "UPDATE ranking_period SET state = 'draft' WHERE id = :id",
        "DELETE FROM ranking_result_compound WHERE result_id IN (SELECT id FROM ranking_result WHERE period_id = :id)",
    ],
)
def test_postgresql_refuses_changes_below_the_orm(api, quarter, statement):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    regulator = quarter.city.users["regulator"]
    period_id = start(api, quarter)
    deduct(api, quarter, period_id, quarter.city.firm, "1")
    api.as_(regulator).post(f"/api/v1/rankings/periods/{period_id}/review")
    api.as_(regulator).post(f"/api/v1/rankings/periods/{period_id}/publish")
    with pytest.raises(DBAPIError, match="published"), db.session.begin_nested():
        db.session.execute(text(statement), {"id": period_id})
