"""Sign-in and the page session: a fresh session at login, none after logout or once the account
is disabled, idle and absolute timeouts, limited attempts, passwords hashed with scrypt."""

from __future__ import annotations

import time

from pm_app.auth.services import authenticate
from pm_app.extensions import db
from tests.security.conftest import PASSWORD, login


def test_login_starts_a_fresh_session(client, city):
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    assert login(client, city.users["admin"]).status_code == 302
    with client.session_transaction() as sess:
        assert "planted" not in sess and sess["_user_id"] == str(city.users["admin"].id)


def test_logout_ends_the_session(client, city):
    login(client, city.users["admin"])
    assert client.get("/compounds").status_code == 200
    client.post("/logout")
    with client.session_transaction() as sess:
        assert "_user_id" not in sess
    assert client.get("/compounds").status_code == 302


def test_a_disabled_account_loses_its_session_at_the_next_request(client, city):
    officer = city.users["street_officer"]
    login(client, officer)
    assert client.get("/compounds").status_code == 200
    officer.active = False
    db.session.flush()
    response = client.get("/compounds")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    with client.session_transaction() as sess:
        assert "_user_id" not in sess
    officer.active = True
    db.session.flush()
    assert client.get("/compounds").status_code == 302  # the old session does not come back


def _age(client, started=0, seen=0):
    with client.session_transaction() as sess:
        now = int(time.time())
        sess["_started"], sess["_seen"] = now - started, now - seen


def test_idle_timeout(client, city):
    login(client, city.users["admin"])
    _age(client, started=29 * 60, seen=29 * 60)
    assert client.get("/compounds").status_code == 200  # 29 minutes idle: still in
    _age(client, started=31 * 60, seen=31 * 60)
    assert client.get("/compounds").status_code == 302  # 31 minutes: out


def test_absolute_timeout_whatever_the_activity(client, city):
    login(client, city.users["admin"])
    _age(client, started=11 * 3600 + 3000, seen=10)
    assert client.get("/compounds").status_code == 200
    _age(client, started=12 * 3600 + 60, seen=10)
    assert client.get("/compounds").status_code == 302


def test_login_attempts_are_limited_per_username(client, city, app):
    admin = city.users["admin"]
    for _ in range(5):
        assert login(client, admin, "wrong-password").status_code == 200
    refused = client.post("/login?lang=en", data={"username": admin.username, "password": PASSWORD})
    assert refused.status_code == 429
    assert "Too many requests; please wait and try again." in refused.get_data(as_text=True)
    # Another user from the same address is not locked out by someone guessing the admin's password.
    assert login(client, city.users["regulator"]).status_code == 302


def test_login_attempts_are_limited_per_address(client, city, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_ADDRESS", "3 per 15 minutes")
    for role in ("regulator", "street_officer", "firm_staff"):
        assert login(client, city.users[role], "wrong-password").status_code == 200
    assert login(client, city.users["admin"]).status_code == 429


def test_successful_logins_do_not_count(client, city):
    for _ in range(8):
        assert login(client, city.users["admin"]).status_code == 302
        client.post("/logout")


def test_api_token_attempts_are_limited_too(api, city):
    body = {"username": city.users["admin"].username, "password": "wrong-password"}
    assert [api.post("/api/v1/auth/token", json=body).status_code for _ in range(6)] == [401] * 5 + [429]


def test_passwords_are_stored_with_scrypt(city):
    stored = city.users["admin"].password_hash
    assert stored.startswith("scrypt:32768:8:1$") and PASSWORD not in stored
    assert authenticate(city.users["admin"].username, PASSWORD) is not None
