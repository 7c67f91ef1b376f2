"""Who sees which works: the compound's roles, and the contractor that built the project; a
contractor reaches the compound but not its households, contracts or fees."""

from __future__ import annotations

import pytest

from pm_app.auth.models import Role
from pm_app.org.models import FirmKind
from tests.factories import FirmFactory, UserFactory
from tests.warranties.conftest import add_item

ROLES = ["admin", "regulator", "street_officer", "firm_staff", "contractor_staff", "committee_member"]


@pytest.fixture
def item(api, city, project):
    return add_item(api, city.users["street_officer"], project["id"], category="road_paving", description="路面").json


@pytest.mark.parametrize("role", ROLES)
def test_every_role_of_the_compound_and_its_contractor_see_the_project(api, city, project, item, role):
    user = api.as_(city.users[role])
    for url in (
        f"/api/v1/projects/{project['id']}",
        f"/api/v1/projects/{project['id']}/items",
        f"/api/v1/warranty-items/{item['id']}",
        f"/api/v1/projects/{project['id']}/deposit",
    ):
        assert user.get(url).status_code == 200, (role, url)
    assert [i["id"] for i in user.get("/api/v1/warranty-items").json] == [item["id"]]


def test_another_contractor_and_another_street_get_404_and_empty_lists(api, city, project, item):
    rival = UserFactory(role=Role.contractor_staff, firm=FirmFactory(kind=FirmKind.contractor))
    from tests.factories import StreetFactory

    stranger = UserFactory(role=Role.street_officer, streets=[StreetFactory()])
    for user in (rival, stranger):
        client = api.as_(user)
        for url in (
            f"/api/v1/projects/{project['id']}",
            f"/api/v1/warranty-items/{item['id']}",
            f"/api/v1/projects/{project['id']}/deposit",
        ):
            assert client.get(url).status_code == 404, url
        assert (
            client.post(
                f"/api/v1/projects/{project['id']}/items", json={"category": "greenery", "description": "x"}
            ).status_code
            == 404
        )
        assert client.post(f"/api/v1/projects/{project['id']}/deposit/release", json={"reason": "x"}).status_code == 404
        assert client.get("/api/v1/warranty-items").json == []
        assert client.get("/api/v1/projects").json == []


def test_a_contractor_reaches_the_compound_but_not_its_households_contracts_or_fees(api, city, project):
    contractor = api.as_(city.users["contractor_staff"])
    assert contractor.get(f"/api/v1/compounds/{city.compound.id}").status_code == 200
    assert contractor.get(f"/api/v1/compounds/{city.compound.id}/households").json == []
    assert contractor.get(f"/api/v1/contracts/{city.contract.id}").status_code == 404
    assert contractor.get(f"/api/v1/compounds/{city.other.id}").status_code == 404
    # The fee API is not a contractor's at all (issue 23, finding 16): 404, not an empty list.
    assert contractor.get("/api/v1/bills").status_code == 404


def test_only_the_office_registers_works(api, city, project):
    body = {
        "compound_id": city.compound.id,
        "name": "x",
        "year": 2022,
        "contractor_id": city.contractor.id,
        "acceptance_date": "2022-01-01",
    }
    for role in ("firm_staff", "committee_member", "contractor_staff"):
        assert api.as_(city.users[role]).post("/api/v1/projects", json=body).status_code == 403, role
    assert (
        add_item(api, city.users["contractor_staff"], project["id"], category="greenery", description="x").status_code
        == 403
    )
    other = {**body, "compound_id": city.other.id}
    assert api.as_(city.users["street_officer"]).post("/api/v1/projects", json=other).status_code == 404


def test_a_contractor_must_be_a_contractor_firm(api, city):
    response = api.as_(city.users["street_officer"]).post(
        "/api/v1/projects?lang=en",
        json={
            "compound_id": city.compound.id,
            "name": "x",
            "year": 2022,
            "contractor_id": city.firm.id,
            "acceptance_date": "2022-01-01",
        },
    )
    assert response.status_code == 422 and "contractor_id" in response.json["errors"]
