"""Refused requests are in the trail: every 401, 403 and 404 on a route, and every failed
sign-in, with the caller, the path, the object and the status; in a transaction of their own,
so a refused request's own work is rolled back and its denial is not."""

from __future__ import annotations

import json

import pytest
from flask import abort
from sqlalchemy import create_engine, func, select, text

from pm_app import create_app
from pm_app.audit.models import AuditEvent
from pm_app.config import TestConfig
from pm_app.extensions import db
from pm_app.org.models import District
from tests.audit.conftest import events, last
from tests.security.conftest import PASSWORD, login


def test_an_out_of_scope_object_is_logged_with_the_caller_the_path_and_the_object(world, api):
    firm = world.city.users["firm_staff"]
    foreign, missing = world.ids["bill"]["other"], 987654
    assert api.as_(firm).get(f"/api/v1/bills/{foreign}").status_code == 404
    row = last(action="denied")
    assert (row.kind, row.actor_id, row.actor_name) == ("request", firm.id, firm.username)
    assert (row.method, row.path, row.status) == ("GET", f"/api/v1/bills/{foreign}", 404)
    assert row.detail["args"] == {"bill_id": foreign}
    assert row.detail["object"] == {"kind": "bill", "id": foreign, "exists": True}  # probing a real foreign bill
    assert api.as_(firm).get(f"/api/v1/bills/{missing}").status_code == 404
    assert last(action="denied").detail["object"] == {"kind": "bill", "id": missing, "exists": False}


def test_a_403_a_page_404_and_an_api_401_are_logged(world, api, client):
    member = world.city.users["committee_member"]
    assert api.as_(member).post("/api/v1/rankings/periods", json={"period": "2027Q1"}).status_code == 403
    row = last(action="denied")
    assert (row.status, row.actor_id, row.path, row.method) == (403, member.id, "/api/v1/rankings/periods", "POST")
    login(client, member)
    assert client.get("/admin/users").status_code == 404
    assert (last(action="denied").status, last(action="denied").path) == (404, "/admin/users")
    assert api.get("/api/v1/compounds").status_code == 401
    row = last(action="denied")
    assert (row.status, row.actor_id, row.path) == (401, None, "/api/v1/compounds")


def test_a_path_no_route_matches_is_not_a_denial(city, client):
    count = len(events(action="denied"))
    assert client.get("/no/such/page").status_code == 404
    assert len(events(action="denied")) == count


def test_failed_sign_ins_are_logged_once_with_the_name_tried_and_never_the_password(city, api, client):
    admin = city.users["admin"]
    assert client.post("/login", data={"username": admin.username, "password": "wrong-guess-1"}).status_code == 200
    row = last(action="denied")
    assert (row.kind, row.status, row.detail, row.actor_id) == ("login", 401, {"username": admin.username}, None)
    assert api.post("/api/v1/auth/token", json={"username": "nobody", "password": "wrong-guess-2"}).status_code == 401
    rows = events(action="denied", path="/api/v1/auth/token")
    assert len(rows) == 1 and rows[0].kind == "login" and rows[0].detail == {"username": "nobody"}
    text_of_trail = json.dumps([(e.before, e.after, e.detail) for e in events()])
    assert "wrong-guess" not in text_of_trail and PASSWORD not in text_of_trail
    assert login(client, admin).status_code == 302  # a success writes no denial
    assert len(events(action="denied")) == 2


@pytest.mark.commits
def test_a_refused_requests_own_work_is_rolled_back_but_its_denial_is_kept(app, tmp_path):
    """Production's writer, on a database that really commits: the route flushes a row and then
    answers 403; the row is gone, the denial is there (written on its own connection)."""

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        INSTANCE_DIR = tmp_path

    other = create_app(Config)

    @other.route("/write-then-refuse", methods=["POST"])
    def write_then_refuse():
        db.session.add(District(name="never kept"))
        db.session.flush()
        abort(403)

    with other.app_context():
        try:
            assert other.test_client().post("/write-then-refuse").status_code == 403
        finally:
            db.session.remove()
            db.engine.dispose()
    outside = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with outside.connect() as connection:  # what any other connection sees, after the request
        assert connection.scalar(select(func.count()).select_from(District).where(District.name == "never kept")) == 0
        denied = connection.execute(
            select(AuditEvent.status, AuditEvent.path, AuditEvent.action).where(AuditEvent.path == "/write-then-refuse")
        ).all()
        assert denied == [(403, "/write-then-refuse", "denied")]
        assert connection.execute(text("SELECT 1")).scalar() == 1
    outside.dispose()
