"""/readyz says whether this process may take traffic and which check failed; /metrics gives
Prometheus request latency per endpoint and the work waiting behind the pages, to allowed
addresses only."""

from __future__ import annotations

import ipaddress
import re

from sqlalchemy import text

from pm_app.extensions import db
from pm_app.ops import metrics, readiness


def test_ready_when_the_database_answers_at_the_migrations_head(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    checks = response.json["checks"]
    assert response.json["status"] == "ready" and checks["database"] == checks["migrations"] == "ok"
    assert checks.get("redis", "ok") == "ok"  # checked in the suite's PostgreSQL + Redis pass


def test_not_ready_when_the_schema_is_behind_the_migrations(client, app):
    with db.engine.begin() as connection:
        (head,) = connection.execute(text("SELECT version_num FROM alembic_version")).one()
        connection.execute(text("UPDATE alembic_version SET version_num = 'a23a00000001'"))
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json["checks"]["migrations"] == "behind" and response.json["status"] == "not ready"
    finally:
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})


def test_not_ready_when_the_database_fails_and_the_answer_keeps_the_reason_to_the_log(client, monkeypatch, caplog):
    def broken():
        raise RuntimeError("could not connect to server at db.internal:5432")

    monkeypatch.setattr(db.engine, "connect", broken)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["checks"]["database"] == "failed"
    assert "db.internal" not in response.get_data(as_text=True) and "db.internal" in caplog.text


def test_redis_is_checked_when_configured(client, app, monkeypatch):
    from redis import Redis

    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    monkeypatch.setitem(app.extensions, "pm_redis", Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5))
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["checks"]["redis"] == "failed"


def test_metrics_count_requests_by_endpoint_and_read_the_work_waiting(client):
    client.get("/healthz")
    client.get("/tickets/999999")  # an endpoint with an id: one series, whatever the id
    body = client.get("/metrics").get_data(as_text=True)
    assert 'pm_app_http_request_duration_seconds_count{endpoint="liveness.healthz",method="GET",status="2xx"}' in body
    assert 'endpoint="tickets.ticket"' in body and not re.search(r'endpoint="[^"]*999999', body)
    assert "# TYPE pm_app_outbox_deliveries gauge" in body and "# TYPE pm_app_jobs gauge" in body
    assert "# TYPE pm_app_sweep_last_success_age_seconds gauge" in body


def test_metrics_are_for_allowed_addresses_only(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_ALLOW", (ipaddress.ip_network("10.0.0.0/8"),))
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert not metrics.allowed("not an address")


def test_migration_heads_are_read_from_the_scripts(app):
    heads = readiness.migration_heads(app.extensions["migrate"].directory)
    assert len(heads) == 1
