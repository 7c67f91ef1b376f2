"""/healthz answers anyone, without the database, so a balancer can tell a dead process apart."""

from __future__ import annotations

from pm_app.extensions import db


def test_healthz_answers_anonymous_callers_with_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_does_not_touch_the_database(client, monkeypatch):
    """A database outage must not take every app machine out of the balancer at once."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("healthz used the database")

    monkeypatch.setattr(db.session, "execute", refuse)
    monkeypatch.setattr(db.session, "scalar", refuse)
    assert client.get("/healthz").status_code == 200
