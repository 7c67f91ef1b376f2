"""PostgreSQL restarted under the app: the request caught in it answers 503 with Retry-After
(not a bare 500), and the next one is served on a fresh connection without restarting the app
(pool_pre_ping). bench/faults.py pg-restart proves it under load against a real restart."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from pm_app.extensions import db


def test_a_lost_database_answers_503_with_retry_after(api, city, monkeypatch):
    from pm_app.org import api as org_api

    def gone(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(org_api, "paginate", gone)
    answer = api.as_(city.users["admin"]).get("/api/v1/compounds?lang=en")
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    assert answer.get_json()["code"] == "unavailable" and "Idempotency-Key" in answer.get_json()["message"]


@pytest.mark.postgres_only
@pytest.mark.commits
def test_after_every_connection_is_cut_the_next_request_is_served(app, city):
    from pm_app.auth.services import issue_token

    token = issue_token(city.users["admin"])
    db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/compounds", headers=headers).status_code == 200  # the pool holds a connection
    db.session.remove()
    outside = create_engine(db.engine.url, poolclass=NullPool)  # not one of the app's pooled connections
    with outside.connect() as killer:  # what a restart does to every open connection
        killer.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    outside.dispose()
    for _ in range(3):
        assert client.get("/api/v1/compounds", headers=headers).status_code == 200
