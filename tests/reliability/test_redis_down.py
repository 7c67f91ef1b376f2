"""Redis down (here: a URL where nothing listens): requests that commit must still commit and
answer, pages and sign-in must still work, and what the outbox holds waits for the relay.
bench/faults.py redis-outage proves the same for a real 60-second outage under load."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from pm_app import create_app
from pm_app.alerts.models import Delivery
from pm_app.config import TestConfig
from pm_app.extensions import db
from pm_app.fees.billing import generate_for_compound
from pm_app.fees.models import Bill, Payment

CLOSED = "redis://127.0.0.1:1/0"  # port 1: connection refused at once


@pytest.fixture
def no_redis(app, tmp_path):
    """The app as deployed with REDIS_URL set (jobs on RQ, limits in Redis), and Redis gone."""

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        INSTANCE_DIR = tmp_path
        REDIS_URL = CLOSED
        RATELIMIT_STORAGE_URI = CLOSED
        JOBS_MODE = None  # rq, because REDIS_URL is set

    from pm_app.extensions import limiter

    saved = dict(limiter.__dict__)  # the limiter is one object: init_app points it at the dead Redis
    down = create_app(Config)
    try:
        with down.app_context():
            yield down
    finally:
        limiter.__dict__.clear()
        limiter.__dict__.update(saved)


def test_payments_sign_in_and_pages_answer_without_redis(no_redis, city):
    admin = city.users["admin"]
    city.contract.fee_rate_fen = 200
    generate_for_compound(admin, city.compound, "2026-09")
    db.session.commit()
    bill_id = db.session.scalar(select(Bill.id).where(Bill.compound_id == city.compound.id))
    client = no_redis.test_client()
    started = time.monotonic()
    answer = client.post("/api/v1/auth/token", json={"username": admin.username, "password": "password123"})
    assert answer.status_code == 200, answer.get_json()
    headers = {"Authorization": f"Bearer {answer.get_json()['token']}"}
    for n in range(2):  # the same key twice: one payment, both answered
        paid = client.post(
            "/api/v1/payments",
            json={"bill_id": bill_id, "amount": "1.00", "method": "cash"},
            headers={**headers, "Idempotency-Key": "no-redis-1"},
        )
        assert paid.status_code == 201, paid.get_json()
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1
    assert client.get("/api/v1/jobs/health", headers=headers).get_json()["redis"] != "ok"
    page = client.post("/login", data={"username": admin.username, "password": "password123"})
    assert page.status_code == 302
    for path in ("/", "/alerts", "/compounds", "/jobs/health"):
        assert client.get(path).status_code == 200, path
    assert time.monotonic() - started < 10  # nothing waits long on the dead Redis


def test_a_sweep_without_redis_commits_and_its_deliveries_wait(no_redis, city):
    from pm_app.alerts.services import save_endpoint
    from pm_app.job_commands import sweep_command  # noqa: F401  (the command runs after_commit like a request)
    from tests.alerts.helpers import contract_ends_in

    save_endpoint(
        {
            "audience": "street",
            "org_id": city.street.id,
            "channel": "webhook",
            "target": "http://127.0.0.1:9/hook",
            "format": "json",
            "active": True,
        }
    )
    as_of = contract_ends_in(city.contract, 50)
    db.session.commit()
    result = no_redis.test_cli_runner().invoke(args=["sweep", "--as-of", str(as_of), "--rule", "contract_expiring"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Delivery.state).where(Delivery.channel == "webhook")) == "pending"
