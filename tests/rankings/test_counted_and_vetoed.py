"""What the complaints indicator counted and left out (issue 25), and a veto that black-lists a
firm too small to be rated (issue 26, point 4), on the 2026Q2 city of conftest.py: firm A's
compounds had 3 hotline complaints of its own, 1 routed to the contractor under warranty and 1 to
a utility; firm C serves 10 households (not rated)."""

from __future__ import annotations

from datetime import date

from pm_app.rankings.indicators import measure
from tests.rankings.conftest import login
from tests.rankings.test_flow import deduct, result, start
from tests.rankings.test_public import publish

NONE_LEFT = {"contractor_warranty": 0, "maintenance_fund": 0, "utility": 0}


def test_the_complaints_left_out_are_counted_beside_those_charged(quarter):
    found = measure(date(2026, 4, 1), date(2026, 6, 30))
    a, b = found[quarter.city.firm.id], found[quarter.city.other_firm.id]
    assert a.counts()["complaints"] == {
        "complaints": 3,
        "households": 100,
        "left_out": {**NONE_LEFT, "contractor_warranty": 1, "utility": 1},
    }
    assert b.counts()["complaints"] == {"complaints": 0, "households": 50, "left_out": NONE_LEFT}


def test_the_firm_and_the_regulator_read_what_was_counted_and_why(api, client, quarter):
    city = quarter.city
    period_id = start(api, quarter)
    stored = result(api, city.users["regulator"], period_id, city.firm.id)["indicators"]["complaints"]
    assert (stored["complaints"], stored["left_out"]) == (3, {**NONE_LEFT, "contractor_warranty": 1, "utility": 1})
    api.as_(city.users["regulator"]).post(f"/api/v1/rankings/periods/{period_id}/review")  # the firm sees it now
    for role in ("firm_staff", "regulator"):
        login(client, city.users[role])
        body = client.get(f"/rankings/periods/{period_id}/firms/{city.firm.id}").get_data(as_text=True)
        assert (
            '计入投诉 3 件（服务 100 户）</span>；未计入：<span data-complaints-left-out="2">保修期内转施工单位 1 件、'
            "转公用事业单位 1 件</span>" in body
        )
        assert "按群众来电日期（2026-04-01至2026-06-30）计入，只计责任方为物业企业的投诉" in body
        assert "应收 30,000.00 元，实收 25,500.00 元" in body
        client.post("/logout")
    login(client, city.users["regulator"])
    other = client.get(f"/rankings/periods/{period_id}/firms/{city.other_firm.id}").get_data(as_text=True)
    assert '<span data-complaints-left-out="0">无</span>' in other


def test_a_veto_black_lists_a_firm_too_small_to_be_rated(api, client, quarter):
    firm_c = quarter.firm_c
    period_id = start(api, quarter)
    assert result(api, quarter.city.users["regulator"], period_id, firm_c.id)["list"] is None
    deduct(api, quarter, period_id, firm_c, "5", veto=True, reason="擅自撤离，小丁小区弃管")
    found = result(api, quarter.city.users["regulator"], period_id, firm_c.id)
    assert (found["rated"], found["not_rated_reason"], found["list"], found["veto"], found["score"], found["rank"]) == (
        False,
        "too_few_households",
        "black",
        True,
        None,
        None,
    )
    publish(api, quarter, period_id)
    body = api.get("/api/v1/public/rankings?period=2026Q2").json
    black = {f["firm"]: f for f in body["black"]}
    assert black["丁物业"]["veto_reasons"] == ["擅自撤离，小丁小区弃管"] and black["丁物业"]["rated"] is False
    assert black["甲物业"]["veto_reasons"] == []  # black-listed by its score
    page = client.get("/rankings/public?period=2026Q2").get_data(as_text=True)
    black_section = page[page.index('id="black-title"') : page.index('id="all-title"')]
    assert "丁物业" in black_section and "不予评级" in black_section
    assert "一票否决：<span data-veto-reason>擅自撤离，小丁小区弃管</span>" in black_section


def test_without_a_veto_a_small_firm_stays_off_every_list(api, quarter):
    firm_c = quarter.firm_c
    period_id = start(api, quarter)
    deduct(api, quarter, period_id, firm_c, "5")
    assert result(api, quarter.city.users["regulator"], period_id, firm_c.id)["list"] is None
