"""The public page and API show published periods only: a draft or a period in review leaves no
trace there, in any field — not its firms' scores, grades, lists, its code or its existence."""

from __future__ import annotations

import json

import pytest

from tests.rankings.test_flow import deduct, start


def publish(api, quarter, period_id):
    regulator = quarter.city.users["regulator"]
    api.as_(regulator).post(f"/api/v1/rankings/periods/{period_id}/review")
    assert api.as_(regulator).post(f"/api/v1/rankings/periods/{period_id}/publish").status_code == 200


def test_nothing_published_means_404_and_an_empty_page(api, client, quarter):
    start(api, quarter)
    assert api.get("/api/v1/public/rankings?lang=en").status_code == 404
    page = client.get("/rankings/public?lang=en").get_data(as_text=True)
    assert "Nothing has been published yet." in page and "2026Q2" not in page
    for name in ("甲物业", "乙物业", "55.67", "61.34"):
        assert name not in page


@pytest.mark.parametrize("draft_state", ["draft", "review"])
def test_a_later_unpublished_period_leaves_no_trace(api, client, quarter, draft_state):
    """2026Q2 is published; 2026Q3 (hand-made distinctive figures) is a draft or in review."""
    from sqlalchemy import select

    from pm_app.extensions import db
    from pm_app.rankings.models import RankingResult

    city, regulator = quarter.city, quarter.city.users["regulator"]
    q2 = start(api, quarter)
    publish(api, quarter, q2)
    before_api = api.get("/api/v1/public/rankings").json
    before_page = client.get("/rankings/public").get_data(as_text=True)
    before_firm = api.get(f"/api/v1/public/rankings/firms/{city.firm.id}").json

    q3 = start(api, quarter, "2026Q3")
    # Make the draft's figures unmistakable, and rename a firm in the draft only.
    for row in db.session.scalars(select(RankingResult).where(RankingResult.period_id == q3)):
        row.firm_name = f"草稿专用名{row.firm_id}"
    deduct(api, quarter, q3, city.other_firm, "7.77", veto=True, reason="草稿扣分理由XYZ")
    if draft_state == "review":
        api.as_(regulator).post(f"/api/v1/rankings/periods/{q3}/review")
    db.session.flush()

    after = api.get("/api/v1/public/rankings")
    assert after.json == before_api
    assert api.get("/api/v1/public/rankings?period=2026Q3&lang=en").status_code == 404
    assert api.get(f"/api/v1/public/rankings/firms/{city.firm.id}").json == before_firm
    text = json.dumps(after.json, ensure_ascii=False)
    page = client.get("/rankings/public").get_data(as_text=True)
    assert page == before_page
    for trace in ("2026Q3", "草稿专用名", "7.77", "草稿扣分理由XYZ"):
        assert trace not in text and trace not in page
    assert client.get("/rankings/public?period=2026Q3").status_code == 404
    firm_page = client.get(f"/rankings/public/firms/{city.firm.id}").get_data(as_text=True)
    assert "2026Q3" not in firm_page and "草稿专用名" not in firm_page


def test_public_page_lists_red_black_and_history(api, client, quarter):
    city, regulator = quarter.city, quarter.city.users["regulator"]
    period_id = start(api, quarter)
    api.as_(regulator).post(
        "/api/v1/deductions",
        json={"period_id": period_id, "firm_id": city.other_firm.id, "kind": "award", "points": "10", "reason": "示范"},
    )
    scheme = api.as_(regulator).get("/api/v1/rankings/schemes").json[0]
    bands = [{"grade": "AAA", "min": "70", "list": "red"}, {"grade": "C", "min": "0", "list": "black"}]
    api.as_(regulator).post("/api/v1/rankings/schemes", json={"bands": bands, "indicators": scheme["indicators"]})
    api.as_(regulator).post(f"/api/v1/rankings/periods/{period_id}/compute")
    publish(api, quarter, period_id)
    body = api.get("/api/v1/public/rankings?period=2026Q2").json
    assert [(f["firm"], f["score"], f["grade"]) for f in body["red"]] == [("乙物业", "71.34", "AAA")]
    assert [(f["firm"], f["score"], f["grade"]) for f in body["black"]] == [("甲物业", "55.67", "C")]
    assert body["periods"] == ["2026Q2"]
    page = client.get("/rankings/public?lang=en").get_data(as_text=True)
    assert "乙物业" in page and "71.34" in page and "Red list" in page and "Black list" in page
    history = api.get(f"/api/v1/public/rankings/firms/{city.other_firm.id}").json
    assert history["history"] == [
        {"period": "2026Q2", "score": "71.34", "grade": "AAA", "list": "red", "rank": 1, "rated": True}
    ]
    assert client.get(f"/rankings/public/firms/{city.other_firm.id}").status_code == 200
    assert api.get(f"/api/v1/public/rankings/firms/{city.contractor.id}").status_code == 404
