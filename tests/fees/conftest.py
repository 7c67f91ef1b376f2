"""The two-street city of the organisation tests, with floor areas that make round numbers."""

from __future__ import annotations

import uuid

import pytest

from tests.org.conftest import City, city  # noqa: F401  (the fixture, shared)


@pytest.fixture
def pay(api):
    """pay(user, bill_id, "71.60", key=None) → the response of POST /api/v1/payments."""

    def send(user, bill_id, amount, key=None, method="wechat", paid_at=None, **extra):
        body = {"bill_id": bill_id, "amount": amount, "method": method, **extra}
        if paid_at:
            body["paid_at"] = paid_at
        return api.as_(user).post(
            "/api/v1/payments?lang=en", json=body, headers={"Idempotency-Key": key or str(uuid.uuid4())}
        )

    return send


@pytest.fixture
def four(city):
    """`city.compound` with three more households: areas 100, 80, 60 and 50 m² at 2.00 yuan/m²
    a month, so the bills are 200.00, 160.00, 120.00 and 100.00 (580.00 in all)."""
    from tests.factories import HouseholdFactory

    city.contract.fee_rate_fen = 200
    city.household.floor_area_dm2 = 10000
    building = city.household.building
    others = [
        HouseholdFactory(building=building, unit=f"1-{n}", floor_area_dm2=area)
        for n, area in ((102, 8000), (103, 6000), (104, 5000))
    ]
    return [city.household, *others]


def bills_of(compound_id: int, period: str) -> list:
    """The compound's bills of a period, in household order."""
    from sqlalchemy import select

    from pm_app.extensions import db
    from pm_app.fees.models import Bill

    return list(
        db.session.scalars(
            select(Bill).where(Bill.compound_id == compound_id, Bill.period == period).order_by(Bill.household_id)
        )
    )
