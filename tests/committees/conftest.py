"""The two-street city with books: helpers to register a committee, post entries and record
votes through the API, a page login, and a way to alter ledger rows behind the app's back."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest

from pm_app.extensions import db
from tests.conftest import append_only_lifted
from tests.factories import BuildingFactory, HouseholdFactory
from tests.org.conftest import City, city  # noqa: F401  (the fixture, shared)

PASSWORD = "password123"


def members(n: int) -> list[dict]:
    return [{"name": f"委员{i}", "role": "chair" if i == 0 else "member", "phone": f"1390000{i:04d}"} for i in range(n)]


def committee_body(compound_id: int, n: int = 5, **overrides) -> dict:
    return {
        "compound_id": compound_id,
        "kind": "owners_committee",
        "elected_on": "2024-03-01",
        "term_years": 5,
        "members": members(n),
        **overrides,
    }


def register(api, user, compound_id: int, **overrides):
    return api.as_(user).post("/api/v1/committees?lang=en", json=committee_body(compound_id, **overrides))


def post_entry(api, user, compound_id: int, **body):
    payload = {
        "account": "public_revenue",
        "direction": "in",
        "amount": "100.00",
        "date": "2026-01-15",
        "description": "1月场地租金",
        **body,
    }
    return api.as_(user).post(f"/api/v1/ledger/{compound_id}/entries?lang=en", json=payload)


def entry_ok(api, user, compound_id: int, **body) -> dict:
    response = post_entry(api, user, compound_id, **body)
    assert response.status_code == 201, response.json
    return response.json


def add_households(compound_id: int, count: int, area_dm2: int = 10_000) -> None:
    """`count` more households of `area_dm2` (100 m² by default) in a new building, each with an
    owner of its own (a vote's headcount counts owners)."""
    building = BuildingFactory(compound_id=compound_id)
    for i in range(count):
        HouseholdFactory(
            building=building,
            unit=f"u{i}",
            floor_area_dm2=area_dm2,
            owner_name=f"业主{building.id}-{i}",
            owner_phone=f"137{building.id:04d}{i:04d}",
        )


def login(client, user):
    """Sign `user` in on this client (signing out whoever was signed in)."""
    client.post("/logout")
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return client


@contextmanager
def tampering():
    """Inside the block the append-only triggers are off, as for someone editing the database
    directly; the test's rollback restores them (DDL is transactional in both databases)."""
    connection = db.session.connection()
    with append_only_lifted(connection, "ledger_entry"):
        yield connection
    db.session.expire_all()


@pytest.fixture
def books(api, city):
    """Three entries in city.compound's books posted by its firm: public revenue 100.00 (Jan, venue
    rental) and 50.00 (Jan, parking), operating expense 30.00 (Feb). (Fee income is the system's.)"""
    firm = city.users["firm_staff"]
    return [
        entry_ok(api, firm, city.compound.id),
        entry_ok(
            api,
            firm,
            city.compound.id,
            account="public_revenue",
            amount="50.00",
            date="2026-01-20",
            description="停车费",
        ),
        entry_ok(
            api,
            firm,
            city.compound.id,
            account="operating_expense",
            direction="out",
            amount="30.00",
            date="2026-02-03",
            description="保洁",
        ),
    ]


ELECTED = date(2024, 3, 1)
