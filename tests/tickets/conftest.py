"""The two-street city with works: a rainwater pipe under warranty until 2028-06-30 and a road
whose guarantee lapsed, both built by `city.contractor` in `city.compound`."""

from __future__ import annotations

from datetime import date

import pytest

from pm_app.auth.models import Role
from pm_app.warranties import services as works
from tests.factories import UserFactory
from tests.org.conftest import City, city  # noqa: F401  (the fixture, shared)


@pytest.fixture
def items(city):
    admin = city.users["admin"]
    project = works.create_project(
        admin,
        {
            "compound_id": city.compound.id,
            "name": "2023年东门新村雨污分流改造",
            "year": 2023,
            "contractor_id": city.contractor.id,
            "acceptance_date": date(2023, 6, 30),
            "deposit_fen": 50_000_000,
            "contract_amount_fen": 2_000_000_000,
        },
    )
    pipe = works.add_item(
        admin, project, {"category": "plumbing_electrical", "description": "雨水管", "warranty_years": 5}
    )  # to 2028-06-30
    road = works.add_item(
        admin, project, {"category": "road_paving", "description": "路面", "warranty_start": date(2020, 6, 30)}
    )  # to 2025-06-30
    return {"project": project, "pipe": pipe, "road": road}


@pytest.fixture
def users(city):
    """Every role of the city, plus one of each kind serving the other compound (outside scope)."""
    return {
        **city.users,
        "other_street": UserFactory(role=Role.street_officer, streets=[city.other_street]),
        "other_firm": UserFactory(role=Role.firm_staff, firm=city.other_firm),
        "other_committee": UserFactory(role=Role.committee_member, compound=city.other),
    }


def report(api, user, compound_id, **body):
    payload = {
        "compound_id": compound_id,
        "category": "water_leak",
        "priority": "normal",
        "source": "phone",
        "description": "3号楼雨水管漏水",
        **body,
    }
    return api.as_(user).post("/api/v1/tickets?lang=en", json=payload)


def move(api, user, ticket_id, to, **body):
    return api.as_(user).post(f"/api/v1/tickets/{ticket_id}/transitions?lang=en", json={"to": to, **body})
