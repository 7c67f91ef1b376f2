"""Double clicks and network retries arriving together: one key, one payment, on PostgreSQL
where requests really run side by side (SQLite runs one writer at a time anyway)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from pm_app.auth.models import Role
from pm_app.auth.services import issue_token
from pm_app.extensions import db
from pm_app.fees.billing import generate_for_compound
from pm_app.fees.models import Bill, BillTotal, Payment
from pm_app.fees.payments import check_totals
from pm_app.fees.reports import totals
from tests.factories import BuildingFactory, ContractFactory, HouseholdFactory, UserFactory


def _bills(count: int) -> tuple[str, list[int]]:
    contract = ContractFactory(fee_rate_fen=200)
    building = BuildingFactory(compound_id=contract.compound.id)
    for n in range(count):
        HouseholdFactory(building=building, unit=f"1-{n}", floor_area_dm2=10000)  # 200.00 a month
    admin = UserFactory(role=Role.admin)
    generate_for_compound(admin, contract.compound, "2026-09")
    token = issue_token(admin)
    db.session.commit()
    return token, list(db.session.scalars(select(Bill.id).order_by(Bill.id)))


def _post(app, token, body, key):
    with app.test_client() as client:
        response = client.post(
            "/api/v1/payments", json=body, headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key}
        )
        return response.status_code, response.get_json()


@pytest.mark.postgres_only
@pytest.mark.commits
def test_fifty_concurrent_requests_with_one_key_record_one_payment(app):
    token, (bill_id,) = _bills(1)
    body = {"bill_id": bill_id, "amount": "200.00", "method": "wechat", "paid_at": "2026-09-05T10:00:00+08:00"}
    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(lambda _: _post(app, token, body, "double-click-1"), range(50)))
    assert {status for status, _ in results} == {201}
    assert len({body["id"] for _, body in results}) == 1
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1
    assert db.session.get(Bill, bill_id).paid_fen == 20000


@pytest.mark.postgres_only
@pytest.mark.commits
def test_a_storm_of_retries_records_each_key_once_to_the_fen(app):
    """Twenty payments of 33.33, each sent five times at once: 20 rows, 666.60 received."""
    token, bill_ids = _bills(20)
    requests = [
        ({"bill_id": bill_id, "amount": "33.33", "method": "cash"}, f"key-{bill_id}")
        for bill_id in bill_ids
        for _ in range(5)
    ]
    with ThreadPoolExecutor(max_workers=25) as pool:
        results = list(pool.map(lambda r: _post(app, token, *r), requests))
    successes = [body for status, body in results if status == 201]
    assert len(successes) == 100
    assert len({body["id"] for body in successes}) == 20
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 20
    assert db.session.scalar(select(func.sum(Payment.amount_fen))) == 20 * 3333
    assert db.session.scalar(select(func.sum(Bill.paid_fen))) == 20 * 3333
    assert check_totals() == []
    # the twenty bills share one compound and month: their payments met on one bill_total row
    assert db.session.scalar(select(BillTotal.received_fen)) == 20 * 3333 and totals.differences() == []
