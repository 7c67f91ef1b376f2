"""Receipt numbers under concurrent payments, on PostgreSQL where requests really run side by
side: no number is issued twice and none is skipped, also when some payments roll back."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from pm_app.auth.models import Role
from pm_app.auth.services import issue_token
from pm_app.extensions import db
from pm_app.fees.billing import generate_for_compound
from pm_app.fees.counter import receipts
from pm_app.fees.models import Receipt
from tests.factories import BuildingFactory, ContractFactory, FirmFactory, HouseholdFactory, UserFactory


def _households(count: int):
    """One household in each of `count` compounds of one firm: their payments share nothing but
    the firm's receipt sequence (one compound's would also meet on its bill_total row)."""
    firm = FirmFactory()
    admin = UserFactory(role=Role.admin)
    households = []
    for _ in range(count):
        contract = ContractFactory(firm=firm, fee_rate_fen=200)
        building = BuildingFactory(compound_id=contract.compound.id)
        households.append(HouseholdFactory(building=building, unit="1-101", floor_area_dm2=10000))
        generate_for_compound(admin, contract.compound, "2026-09")
    token = issue_token(admin)
    db.session.commit()
    return token, [h.id for h in households], firm.id


def _pay(app, token, household_id, amount):
    with app.test_client() as client:
        response = client.post(
            f"/api/v1/households/{household_id}/payments",
            json={"amount": amount, "method": "cash"},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
        )
        return response.status_code


def _number_rolled_back(app, organisation: str, year: int) -> str:
    """A payment that took its number and then failed: its transaction rolls back."""
    with app.app_context():
        number = receipts.next_number(organisation, year)
        db.session.rollback()
        db.session.remove()
        return number


@pytest.mark.postgres_only
@pytest.mark.commits
def test_twenty_payments_racing_take_twenty_numbers_without_a_gap(app):
    token, household_ids, firm_id = _households(20)
    year = int(receipts.now().astimezone(receipts.CITY_TZ).year)
    jobs = (
        [("pay", h, "200.00") for h in household_ids]
        + [("pay", h, "999.00") for h in household_ids[:5]]
        + [("rollback", None, None)] * 10
    )
    with ThreadPoolExecutor(max_workers=25) as pool:
        results = list(
            pool.map(
                lambda job: (
                    _pay(app, token, job[1], job[2])
                    if job[0] == "pay"
                    else _number_rolled_back(app, f"firm:{firm_id}", year)
                ),
                jobs,
            )
        )
    assert results[:20] == [201] * 20 and results[20:25] == [422] * 5  # more than owed: refused
    numbers = sorted(db.session.scalars(select(Receipt.number)))
    assert numbers == [f"{year}-{n:06d}" for n in range(1, 21)]
