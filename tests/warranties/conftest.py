"""The two-street city, with a renovation project built by `city.contractor` in `city.compound`."""

from __future__ import annotations

import pytest

from tests.org.conftest import City, city  # noqa: F401  (the fixture, shared)


@pytest.fixture
def project(api, city):
    """城东三角花园-style works accepted on 2021-06-30 with a 1,200,000.00 yuan deposit, 3 % of its
    40,000,000.00 yuan contract (the cap, deposit_rules)."""
    response = api.as_(city.users["street_officer"]).post(
        "/api/v1/projects",
        json={
            "compound_id": city.compound.id,
            "name": "2021年东门新村改造工程",
            "year": 2021,
            "renovation_type": "basic",
            "contractor_id": city.contractor.id,
            "acceptance_date": "2021-06-30",
            "contract_amount": "40000000.00",
            "quality_deposit": "1200000.00",
            "deposit_release_date": "2026-06-30",
            "funding": {"central": "12000000.00", "city": "8000000.00", "residents": "4000000.00"},
        },
    )
    assert response.status_code == 201, response.json
    return response.json


def add_item(api, user, project_id, **body):
    return api.as_(user).post(f"/api/v1/projects/{project_id}/items?lang=en", json=body)
