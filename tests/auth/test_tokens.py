"""API tokens: issued for a password, stored hashed, refused when expired or the user is disabled."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from pm_app.auth.models import ApiToken
from pm_app.auth.services import set_active
from pm_app.common.clock import now
from pm_app.extensions import db
from tests.factories import UserFactory


def _token(client, username, password="password123"):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


def test_token_for_a_password_opens_the_api(client):
    user = UserFactory(username="wang")
    response = _token(client, "wang")
    assert response.status_code == 200
    token = response.json["token"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json["username"] == "wang" and me.json["id"] == user.id


def test_tokens_are_stored_only_as_hashes(client):
    UserFactory(username="li")
    token = _token(client, "li").json["token"]
    stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert token not in stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored


def test_wrong_password_and_unknown_user_look_the_same(client):
    UserFactory(username="zhao")
    wrong = _token(client, "zhao", "nope-nope")
    unknown = _token(client, "nobody", "nope-nope")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json


def test_missing_fields_name_them(client):
    response = client.post("/api/v1/auth/token", json={"username": "x"})
    assert response.status_code == 422 and "password" in response.json["errors"]


def test_disabled_user_loses_its_tokens(client):
    user = UserFactory(username="qian")
    token = _token(client, "qian").json["token"]
    set_active(user, False)
    db.session.flush()
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert _token(client, "qian").status_code == 401


def test_expired_token_is_refused(client):
    UserFactory(username="sun")
    token = _token(client, "sun").json["token"]
    row = db.session.scalar(select(ApiToken))
    row.expires_at = now() - timedelta(seconds=1)
    db.session.flush()
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_garbage_authorization_headers_are_401(client):
    for header in ("Bearer", "Bearer ", "Basic abc", "Bearer not-a-token", "token"):
        assert client.get("/api/v1/auth/me", headers={"Authorization": header}).status_code == 401


def test_a_password_reset_revokes_existing_tokens(client):
    from pm_app.auth.services import set_password

    user = UserFactory(username="zhou")
    token = _token(client, "zhou").json["token"]
    set_password(user, "a-new-password")
    db.session.flush()
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_token_and_its_user_are_found_in_one_statement(client):
    """Every API request starts with this lookup: one round trip, not one for the token and one for
    the user."""
    from sqlalchemy import event

    from pm_app.auth.services import user_for_token

    UserFactory(username="zhao")
    token = _token(client, "zhao").json["token"]
    db.session.expunge_all()  # nothing cached: the user must come from the database
    seen = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        user = user_for_token(token)
        assert user.username == "zhao" and user.active
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len([s for s in seen if s.startswith("SELECT")]) == 1


def test_a_street_officer_and_its_streets_come_in_one_statement(client):
    """The scope of nearly every request a street officer makes reads its streets: they come with
    the user, by token and by session alike, not in a second round trip."""
    from pm_app.auth.models import Role
    from pm_app.auth.services import user_for_token
    from tests.factories import StreetFactory
    from tests.helpers import count_statements

    streets = [StreetFactory(), StreetFactory()]
    street_ids = sorted(s.id for s in streets)
    UserFactory(username="qian", role=Role.street_officer, streets=streets)
    token = _token(client, "qian").json["token"]
    db.session.expunge_all()  # nothing cached: the user must come from the database
    with count_statements() as sent:
        assert sorted(user_for_token(token).street_ids) == street_ids
    assert len([s for s in sent if s.startswith("SELECT")]) == 1
    client.post("/login", data={"username": "qian", "password": "password123"})
    db.session.expunge_all()
    with count_statements() as sent:
        assert client.get("/alerts").status_code == 200
    with_streets = [s for s in sent if "user_street" in s]
    assert len(with_streets) == 1 and "password_hash" in with_streets[0]  # the user's own statement
