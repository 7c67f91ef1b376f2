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
        return api.as_(user).post("/api/v1/payments", json=body,
                                  headers={"Idempotency-Key": key or str(uuid.uuid4())})

    return send
