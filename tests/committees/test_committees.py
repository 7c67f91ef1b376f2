"""Committees: who registers them, member-count and term rules, filing, and the status a
compound derives from its committees' dates as time passes."""

from __future__ import annotations

from datetime import date

import pytest

from pm_app.committees import services
from pm_app.committees.coverage import coverage
from tests.committees.conftest import add_households, register
from tests.factories import CompoundFactory


@pytest.mark.parametrize(
    "count,households,ok",
    [
        (3, 99, True),
        (5, 99, True),
        (7, 200, True),
        (11, 200, True),
        (9, 100, True),
        (4, 50, False),
        (13, 200, False),
        (3, 100, False),
        (1, 10, False),
        (6, 200, False),
    ],
)
def test_member_count_rules(app, count, households, ok):
    with app.test_request_context("/?lang=en"):
        assert (services.member_count_problem(count, households) is None) is ok


@pytest.mark.parametrize("count", [4, 13])
def test_a_wrong_member_count_is_refused_naming_the_field(api, city, count):
    response = register(api, city.users["street_officer"], city.compound.id, n=count)
    assert response.status_code == 422
    assert f"got {count}" in response.json["errors"]["members"][0]


def test_three_members_need_a_compound_under_100_households(api, city):
    officer = city.users["street_officer"]
    assert register(api, officer, city.compound.id, n=3).status_code == 201  # one household
    add_households(city.compound.id, 99)
    refused = register(api, officer, city.compound.id, n=3, elected_on="2026-03-01")
    assert refused.status_code == 422 and "100 households" in refused.json["errors"]["members"][0]


def test_a_term_over_five_years_is_refused(api, city):
    response = register(api, city.users["street_officer"], city.compound.id, term_years=6)
    assert response.status_code == 422 and "term_years" in response.json["errors"]


def test_the_term_end_and_filing_due_follow_the_election(api, city):
    response = register(api, city.users["street_officer"], city.compound.id, elected_on="2024-02-29", term_years=3)
    assert response.status_code == 201
    body = response.json
    assert (body["term_end"], body["filing_due"], body["filed_on"]) == ("2027-02-28", "2024-03-30", None)
    assert [m["phone"] for m in body["members"]][:1] == ["13900000000"]  # the street office sees phones
    filed = api.as_(city.users["street_officer"]).post(
        f"/api/v1/committees/{body['id']}/filing", json={"filed_on": "2024-03-20"}
    )
    assert filed.status_code == 200 and filed.json["filed_on"] == "2024-03-20"
    again = api.as_(city.users["street_officer"]).post(
        f"/api/v1/committees/{body['id']}/filing", json={"filed_on": "2024-03-21"}
    )
    assert again.status_code == 409


def test_members_phones_are_masked_for_the_firm_and_the_committee(api, city):
    created = register(api, city.users["street_officer"], city.compound.id).json
    for role in ("firm_staff", "committee_member"):
        got = api.as_(city.users[role]).get(f"/api/v1/committees/{created['id']}")
        assert got.status_code == 200 and got.json["members"][0]["phone"] == "139****0000"


@pytest.mark.parametrize(
    "role,status",
    [
        ("admin", 201),
        ("regulator", 201),
        ("street_officer", 201),
        ("firm_staff", 403),
        ("committee_member", 403),
        ("contractor_staff", 404),
    ],
)
def test_who_registers_a_committee(api, city, role, status):
    assert register(api, city.users[role], city.compound.id).status_code == status


def test_another_streets_compound_is_not_found(api, city):
    assert register(api, city.users["street_officer"], city.other.id).status_code == 404


def status_on(compound_id: int, day: str) -> str:
    return services.status_of(compound_id, date.fromisoformat(day)).status


def test_status_over_a_committees_life(api, city):
    officer = city.users["street_officer"]
    assert status_on(city.compound.id, "2024-01-01") == "none"
    assert register(api, officer, city.compound.id, elected_on="2024-03-01", term_years=5).status_code == 201
    timeline = [
        ("2024-02-29", "preparing"),
        ("2024-03-01", "active"),
        ("2028-11-30", "active"),
        ("2028-12-01", "re_election_due"),
        ("2029-02-28", "re_election_due"),
        ("2029-03-01", "expired"),
        ("2031-01-01", "expired"),
    ]
    for day, expected in timeline:
        assert status_on(city.compound.id, day) == expected, day
    # A successor is being prepared, then takes office and the old one is history.
    assert (
        register(
            api, officer, city.compound.id, elected_on="2029-06-01", term_years=3, kind="management_committee"
        ).status_code
        == 201
    )
    assert status_on(city.compound.id, "2029-02-01") == "re_election_due"
    assert status_on(city.compound.id, "2029-05-01") == "preparing"
    current = services.status_of(city.compound.id, date(2029, 6, 1))
    assert (current.status, current.kind.value, current.days_to_term_end) == ("active", "management_committee", 1096)
    assert [c.elected_on for c in services.history(city.compound.id)] == [date(2029, 6, 1), date(2024, 3, 1)]


def test_status_api_reports_days_left_and_an_overdue_filing(api, city):
    register(api, city.users["street_officer"], city.compound.id, elected_on="2024-03-01", term_years=5)
    response = api.as_(city.users["committee_member"]).get(
        f"/api/v1/compounds/{city.compound.id}/committee-status?as_of=2029-01-30"
    )
    assert response.status_code == 200
    assert {k: response.json[k] for k in ("status", "kind", "days_to_term_end", "filing_overdue")} == {
        "status": "re_election_due",
        "kind": "owners_committee",
        "days_to_term_end": 30,
        "filing_overdue": True,
    }
    assert (
        api.as_(city.users["contractor_staff"])
        .get(f"/api/v1/compounds/{city.compound.id}/committee-status")
        .status_code
        == 404
    )


def test_coverage_counts_and_shares_match_a_hand_count(api, city):
    officer = city.users["street_officer"]
    extra = [CompoundFactory(street=city.street) for _ in range(6)]  # 7 compounds in the street
    register(api, officer, city.compound.id, elected_on="2024-03-01")  # active
    register(api, officer, extra[0].id, elected_on="2021-12-01", term_years=5)  # re-election due
    register(api, officer, extra[1].id, elected_on="2020-01-01", term_years=3, kind="self_management")  # expired
    register(api, officer, extra[2].id, elected_on="2026-12-01", kind="self_management")  # preparing
    register(api, officer, extra[3].id, elected_on="2025-01-01", kind="self_management")  # active
    found = coverage(officer, date(2026, 10, 1))
    assert found.total == 7
    assert found.by_status == {"none": 2, "preparing": 1, "active": 2, "re_election_due": 1, "expired": 1}
    # only committees in office count by kind: not the expired 自管会, nor the one being prepared
    assert found.by_kind == {
        "owners_committee": 2,
        "management_committee": 0,
        "self_management": 1,
        "temporary_committee": 0,
        "none": 4,
    }
    assert found.preparing["self_management"] == 1 and found.established == 3
    response = api.as_(officer).get("/api/v1/committees/coverage?as_of=2026-10-01")
    assert response.json["by_status"]["active"] == {"count": 2, "share": "0.2857"}
    assert response.json["by_status"]["none"] == {"count": 2, "share": "0.2857"}
    assert response.json["by_status"]["expired"] == {"count": 1, "share": "0.1429"}
    assert api.as_(city.users["firm_staff"]).get("/api/v1/committees/coverage").status_code == 403
    city_wide = api.as_(city.users["regulator"]).get("/api/v1/committees/coverage?as_of=2026-10-01").json
    assert city_wide["compounds"] == 8 and city_wide["by_status"]["none"]["count"] == 3
