"""Warranty items: ends computed from the category's years, minimums enforced with their source."""

from __future__ import annotations

from datetime import date

import pytest

from pm_app.warranties.dates import add_years, state
from tests.warranties.conftest import add_item


def test_years_add_calendar_years_and_29_february_lands_on_28_february():
    assert add_years(date(2021, 6, 30), 5) == date(2026, 6, 30)
    assert add_years(date(2020, 2, 29), 5) == date(2025, 2, 28)
    assert add_years(date(2020, 2, 29), 4) == date(2024, 2, 29)


@pytest.mark.parametrize(
    "end,as_of,expected",
    [
        (date(2026, 6, 30), date(2026, 6, 30), "expired"),  # ends on as_of: lapsed
        (date(2026, 6, 30), date(2026, 6, 29), "expiring"),
        (date(2026, 6, 30), date(2026, 1, 1), "expiring"),  # 180 days before
        (date(2026, 6, 30), date(2025, 12, 31), "active"),  # 181 days before
    ],
)
def test_state_as_of_a_day(end, as_of, expected):
    assert state(end, as_of) == expected


def test_an_item_defaults_to_the_category_minimum_from_acceptance(api, city, project):
    response = add_item(
        api,
        city.users["street_officer"],
        project["id"],
        category="road_paving",
        description="路面硬化",
        quantity="35917.00",
        unit="m²",
        location="小区主干道",
    )
    assert response.status_code == 201, response.json
    assert (response.json["warranty_years"], response.json["warranty_start"], response.json["warranty_end"]) == (
        5,
        "2021-06-30",
        "2026-06-30",
    )
    assert response.json["quantity"] == "35917.00"


def test_years_below_the_minimum_are_refused_naming_the_minimum_and_its_source(api, city, project):
    response = add_item(
        api,
        city.users["street_officer"],
        project["id"],
        category="wall_fence",
        description="围墙翻新",
        warranty_years=5,
    )
    assert response.status_code == 422
    assert response.json["errors"]["warranty_years"] == ["at least 10 for wall_fence (吉市政办发〔2020〕5号 §九(十二))"]
    longer = add_item(
        api,
        city.users["street_officer"],
        project["id"],
        category="greenery",
        description="补植乔木",
        warranty_years=3,
        warranty_start="2022-03-01",
    )
    assert longer.json["warranty_end"] == "2025-03-01"


def test_an_unknown_category_lists_the_known_ones(api, city, project):
    response = add_item(api, city.users["street_officer"], project["id"], category="paint", description="x")
    assert response.status_code == 422 and "road_paving" in response.json["errors"]["category"][0]


def test_a_city_adds_its_own_category(api, city, project):
    regulator = api.as_(city.users["regulator"])
    created = regulator.post(
        "/api/v1/warranty-categories",
        json={"code": "rainwater_pipes", "name": "雨污水管网", "min_years": 5, "source": "市住建局 2026 年补充规定"},
    )
    assert created.status_code == 201
    assert (
        api.as_(city.users["street_officer"])
        .post("/api/v1/warranty-categories", json={"code": "x_y", "name": "x", "min_years": 1, "source": "x"})
        .status_code
        == 403
    )
    item = add_item(
        api, city.users["street_officer"], project["id"], category="rainwater_pipes", description="雨污分流改造"
    )
    assert item.json["warranty_end"] == "2026-06-30"


def test_expiring_within_days_includes_the_end_n_days_after_as_of_and_not_one_ending_on_as_of(api, city, project):
    officer = city.users["street_officer"]
    add_item(api, officer, project["id"], category="road_paving", description="路面")  # ends 2026-06-30
    add_item(api, officer, project["id"], category="plumbing_electrical", description="管线")  # ends 2023-06-30
    add_item(api, officer, project["id"], category="wall_fence", description="围墙")  # ends 2031-06-30
    user = api.as_(officer)

    def ends(query):
        return [i["warranty_end"] for i in user.get(f"/api/v1/warranty-items?{query}").json]

    assert ends("expiring_within_days=30&as_of=2026-05-31") == ["2026-06-30"]  # exactly 30 days on
    assert ends("expiring_within_days=29&as_of=2026-05-31") == []
    assert ends("expiring_within_days=30&as_of=2026-06-30") == []  # ends on as_of: lapsed
    assert ends("state=expired&as_of=2026-07-01") == ["2023-06-30", "2026-06-30"]
    assert ends("state=active&as_of=2026-07-01") == ["2031-06-30"]
    assert ends(f"compound_id={city.other.id}") == []
