"""Every organisation route that names an object, for every role, inside and outside its scope:
what a role may not see answers 404, and never appears in a list."""

from __future__ import annotations

import pytest

ROLES = ["admin", "regulator", "street_officer", "firm_staff", "contractor_staff", "committee_member"]

# Which roles see the compound inside `street` (the one `firm` serves and the committee sits in).
SEES_COMPOUND = {"admin", "regulator", "street_officer", "firm_staff", "committee_member"}
# The compound in the other street is visible only city-wide.
SEES_OTHER = {"admin", "regulator"}


def _urls(city, which):
    compound = city.compound if which == "own" else city.other
    contract = city.contract if which == "own" else city.other_contract
    return [
        f"/api/v1/compounds/{compound.id}",
        f"/api/v1/compounds/{compound.id}/households",
        f"/api/v1/contracts/{contract.id}",
    ]


@pytest.mark.parametrize("role", ROLES)
def test_own_compound_routes_answer_only_for_roles_that_see_it(api, city, role):
    for url in _urls(city, "own"):
        status = api.as_(city.users[role]).get(url).status_code
        assert status == (200 if role in SEES_COMPOUND else 404), (role, url, status)


@pytest.mark.parametrize("role", ROLES)
def test_foreign_compound_routes_are_404_for_every_method(api, city, role):
    user = api.as_(city.users[role])
    for url in _urls(city, "other"):
        expected = 200 if role in SEES_OTHER else 404
        assert user.get(url).status_code == expected, (role, url)
    if role not in SEES_OTHER:
        assert user.patch(f"/api/v1/compounds/{city.other.id}", json={"name": "x"}).status_code == 404
        body = {"building": "9号楼", "unit": "9-901", "floor_area_m2": "80.00"}
        assert user.post(f"/api/v1/compounds/{city.other.id}/households", json=body).status_code == 404
        assert user.patch(f"/api/v1/contracts/{city.other_contract.id}", json={"end": "2030-01-01"}).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_lists_carry_no_foreign_object(api, city, role):
    user = api.as_(city.users[role])
    codes = {c["code"] for c in user.get("/api/v1/compounds").json}
    assert (city.other.code in codes) == (role in SEES_OTHER)
    assert (city.compound.code in codes) == (role in SEES_COMPOUND)
    contracts = {c["id"] for c in user.get("/api/v1/contracts").json}
    assert (city.other_contract.id in contracts) == (role in SEES_OTHER)
    streets = {s["id"] for s in user.get("/api/v1/streets").json}
    assert (city.other_street.id in streets) == (role in SEES_OTHER)
    firms = {f["id"] for f in user.get("/api/v1/firms").json}
    assert (city.other_firm.id in firms) == (role in SEES_OTHER | {"street_officer"})


@pytest.mark.parametrize("role", ROLES)
def test_counts_in_pagination_header_count_only_visible_rows(api, city, role):
    response = api.as_(city.users[role]).get("/api/v1/compounds?page_size=1")
    import json

    total = json.loads(response.headers["X-Pagination"])["total"] if "X-Pagination" in response.headers else 0
    assert total == len(SEES_COMPOUND & {role}) + len(SEES_OTHER & {role})


def test_firm_detail_of_a_competitor_is_404_for_firm_staff(api, city):
    firm_user = api.as_(city.users["firm_staff"])
    assert firm_user.get(f"/api/v1/firms/{city.firm.id}").status_code == 200
    assert firm_user.get(f"/api/v1/firms/{city.other_firm.id}").status_code == 404


def test_firm_staff_do_not_see_the_next_firms_contract_at_a_compound_they_left(api, city):
    from datetime import date

    from tests.factories import ContractFactory

    city.contract.end_date = date(2024, 12, 31)
    successor = ContractFactory(
        compound=city.compound, firm=city.other_firm, start_date=date(2025, 1, 1), end_date=date(2030, 12, 31)
    )
    user = api.as_(city.users["firm_staff"])
    assert user.get(f"/api/v1/compounds/{city.compound.id}").status_code == 200  # past contract: read
    assert user.get(f"/api/v1/contracts/{successor.id}").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/compounds",
        "/api/v1/firms",
        "/api/v1/contracts",
        "/api/v1/streets",
        "/api/v1/districts",
        "/api/v1/communities",
        "/api/v1/auth/me",
    ],
)
def test_anonymous_callers_are_refused(client, path):
    response = client.get(path)
    assert response.status_code == 401
    assert response.json["code"] == "unauthorized"


def test_a_browser_session_does_not_open_the_api(client, city):
    """The API takes bearer tokens only, so it needs no CSRF token and cannot be ridden by a cookie."""
    client.post("/login", data={"username": city.users["admin"].username, "password": "password123"})
    assert client.get("/api/v1/compounds").status_code == 401
