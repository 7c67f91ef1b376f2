"""One idempotency key sent at once with two different requests (issue 23, finding 5): the bills'
row locks do not make them wait for each other (two bills, two households), the unique key does,
and the loser gets a 409 naming the key, never a 500 and never a second record."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pm_app.auth.models import Role
from pm_app.extensions import db
from pm_app.fees.billing import generate_for_compound
from pm_app.fees.models import Bill, Payment, Waiver
from pm_app.fees.payments import check_totals
from tests.factories import BuildingFactory, ContractFactory, HouseholdFactory, UserFactory
from tests.races import race, tokens

pytestmark = [pytest.mark.postgres_only, pytest.mark.commits]


def _setup(households: int = 2) -> tuple[str, list[int], list[int]]:
    contract = ContractFactory(fee_rate_fen=200)
    building = BuildingFactory(compound_id=contract.compound.id)
    homes = [HouseholdFactory(building=building, unit=f"1-{n}", floor_area_dm2=10000) for n in range(households)]
    admin = UserFactory(role=Role.admin)
    for period in ("2026-08", "2026-09"):
        generate_for_compound(admin, contract.compound, period)
    (token,) = tokens(admin)
    return token, list(db.session.scalars(select(Bill.id).order_by(Bill.id))), [home.id for home in homes]


def test_one_waiver_key_on_two_bills_at_once_waives_one(app):
    token, bill_ids, _ = _setup()
    calls = [
        (
            "post",
            f"/api/v1/bills/{bill_id}/waivers?lang=en",
            token,
            {
                "json": {"amount": "50.00", "reason": "低保户", "approved_by": "街道办"},
                "headers": {"Idempotency-Key": "waive-1"},
            },
        )
        for bill_id in bill_ids[:2]
        for _ in range(4)
    ]
    results = race(app, calls)
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] * 4 + [409] * 4, results
    assert all("Idempotency-Key" in body["errors"] for status, body in results if status == 409)
    assert db.session.scalar(select(func.count()).select_from(Waiver)) == 1
    assert check_totals() == []


def test_one_key_for_two_households_at_once_pays_one(app):
    token, _, homes = _setup()
    calls = [
        (
            "post",
            f"/api/v1/households/{home}/payments?lang=en",
            token,
            {"json": {"amount": "300.00", "method": "cash"}, "headers": {"Idempotency-Key": "counter-1"}},
        )
        for home in homes
        for _ in range(4)
    ]
    results = race(app, calls)
    assert sorted(status for status, _ in results) == [201] * 4 + [409] * 4, results
    assert db.session.scalar(select(func.count(func.distinct(Bill.household_id))).join(Payment)) == 1
    assert db.session.scalar(select(func.sum(Payment.amount_fen))) == 30000
    assert check_totals() == []
