"""Two street officers registering contracts for one compound at once: one wins, one gets 409."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import func, select

from pm_app.auth.models import Role
from pm_app.auth.services import issue_token
from pm_app.extensions import db
from pm_app.org.models import ServiceContract
from tests.factories import CompoundFactory, FirmFactory, UserFactory


@pytest.mark.postgres_only
@pytest.mark.commits
def test_concurrent_overlapping_contracts_record_one(app):
    compound = CompoundFactory()
    firms = [FirmFactory() for _ in range(8)]
    admin = UserFactory(role=Role.admin)
    token = issue_token(admin)
    db.session.commit()
    body = {
        "compound_id": compound.id,
        "start": str(date(2026, 1, 1)),
        "end": str(date(2027, 12, 31)),
        "fee_rate": "1.00",
    }

    def register(firm_id):
        with app.test_client() as client:
            return client.post(
                "/api/v1/contracts", json={**body, "firm_id": firm_id}, headers={"Authorization": f"Bearer {token}"}
            ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(register, [f.id for f in firms]))
    assert statuses == [201] + [409] * 7
    assert db.session.scalar(select(func.count()).select_from(ServiceContract)) == 1
