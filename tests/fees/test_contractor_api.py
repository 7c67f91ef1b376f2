"""A contractor has no fee data anywhere (README): every fee endpoint is 404 for it, as the fee
pages are; it used to get answers shaped like a compound's collection rates and arrears."""

from __future__ import annotations

import pytest

from tests.org.conftest import city  # noqa: F401  (the fixture)
from tests.tickets.conftest import items  # noqa: F401  (the contractor built in city.compound)


def urls(city) -> list[str]:
    compound = city.compound.id
    return [
        "/api/v1/bills",
        f"/api/v1/bills?compound_id={compound}",
        "/api/v1/payments",
        f"/api/v1/collection-rates?scope=compound&id={compound}&period_from=2026-01&period_to=2026-06",
        f"/api/v1/arrears?compound_id={compound}",
    ]


def test_every_fee_endpoint_is_404_for_a_contractor(api, city, items):
    contractor = api.as_(city.users["contractor_staff"])
    for url in urls(city):
        response = contractor.get(url)
        assert response.status_code == 404 and response.json["code"] == "not_found", url
    assert contractor.get(f"/api/v1/compounds/{city.compound.id}").status_code == 200  # its works' compound


@pytest.mark.parametrize("role", ["firm_staff", "street_officer"])
def test_the_fee_roles_still_reach_them(api, city, role):
    user = api.as_(city.users[role])
    for url in urls(city):
        assert user.get(url).status_code == 200, url
