"""Every signed-in user changes their own password, on a page (in Chinese) or through the API:
the current password first, the policy for the new one, and every other session and token ends."""

from __future__ import annotations

import pytest

from pm_app.auth.services import authenticate
from tests.security.conftest import PASSWORD, _fresh_limits, city, login  # noqa: F401  (fixtures)

NEW = "东门-维修-2026"


def change_page(client, current=PASSWORD, new=NEW, confirm=None):
    return client.post(
        "/account/password",
        data={"current_password": current, "new_password": new, "confirm": new if confirm is None else confirm},
    )


def bearer(client, user, password=PASSWORD):
    response = client.post("/api/v1/auth/token", json={"username": user.username, "password": password})
    assert response.status_code == 200
    return {"Authorization": f"Bearer {response.json['token']}"}


@pytest.mark.parametrize(
    "role", ["admin", "regulator", "street_officer", "firm_staff", "contractor_staff", "committee_member"]
)
def test_every_role_reaches_the_page_from_its_menu(client, city, role):  # noqa: F811
    login(client, city.users[role])
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert 'href="/account/password"' in home and "修改密码" in home
    page = client.get("/account/password")
    assert page.status_code == 200 and "当前密码" in page.get_data(as_text=True)


def test_the_page_changes_the_password_and_ends_the_other_sessions(app, client, city):  # noqa: F811
    user = city.users["street_officer"]
    elsewhere = app.test_client()
    login(elsewhere, user)
    token = bearer(app.test_client(), user)
    login(client, user)
    response = change_page(client)
    assert response.status_code == 302
    assert authenticate(user.username, NEW) == user and authenticate(user.username, PASSWORD) is None
    assert client.get("/compounds").status_code == 200  # this session goes on
    assert elsewhere.get("/compounds").status_code == 302  # the other one has ended
    assert app.test_client().get("/api/v1/auth/me", headers=token).status_code == 401


@pytest.mark.parametrize(
    "current, new, confirm, message",
    [
        ("wrong-password", NEW, None, "当前密码不正确。"),
        (PASSWORD, "12345678", None, "密码至少需要 10 个字符。"),
        (PASSWORD, "qwertyuiop", None, "这是最常见的密码之一，请换一个。"),
        (PASSWORD, NEW, NEW + "x", "两次输入的密码不一致"),
    ],
)
def test_the_page_refuses_in_chinese(client, city, current, new, confirm, message):  # noqa: F811
    user = city.users["firm_staff"]
    login(client, user)
    response = change_page(client, current, new, confirm)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert authenticate(user.username, PASSWORD) == user
    assert client.get("/compounds").status_code == 200  # still signed in


def test_the_new_password_must_differ_from_the_current_one(client, city):  # noqa: F811
    from pm_app.auth.services import hash_password

    user = city.users["firm_staff"]
    user.password_hash = hash_password(NEW)
    client.post("/login", data={"username": user.username, "password": NEW})
    response = change_page(client, NEW, NEW)
    assert response.status_code == 422 and "新密码不能与当前密码相同。" in response.get_data(as_text=True)


def test_the_page_needs_a_sign_in(client):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_api_changes_the_password_and_returns_a_new_token(app, api, city):  # noqa: F811
    user = city.users["committee_member"]
    old = bearer(app.test_client(), user)
    other = bearer(app.test_client(), user)
    page = app.test_client()
    login(page, user)
    response = app.test_client().post(
        "/api/v1/auth/password", headers=old, json={"current_password": PASSWORD, "new_password": NEW}
    )
    assert response.status_code == 200
    fresh = {"Authorization": f"Bearer {response.json['token']}"}
    me = app.test_client().get("/api/v1/auth/me", headers=fresh)
    assert me.status_code == 200 and me.json["username"] == user.username
    for ended in (old, other):
        assert app.test_client().get("/api/v1/auth/me", headers=ended).status_code == 401
    assert page.get("/compounds").status_code == 302
    assert authenticate(user.username, NEW) == user


@pytest.mark.parametrize(
    "body, field",
    [
        ({"current_password": "wrong-password", "new_password": NEW}, "current_password"),
        ({"current_password": PASSWORD, "new_password": "1234567890"}, "new_password"),
        ({"current_password": PASSWORD, "new_password": "short"}, "new_password"),
        ({"current_password": PASSWORD}, "new_password"),
    ],
)
def test_the_api_names_the_field_at_fault(app, city, body, field):  # noqa: F811
    user = city.users["regulator"]
    headers = bearer(app.test_client(), user)
    response = app.test_client().post("/api/v1/auth/password", headers=headers, json=body)
    assert response.status_code == 422 and field in response.json["errors"]
    assert app.test_client().get("/api/v1/auth/me", headers=headers).status_code == 200  # nothing ended
    assert authenticate(user.username, PASSWORD) == user


def test_the_api_needs_a_token(client):
    response = client.post("/api/v1/auth/password", json={"current_password": PASSWORD, "new_password": NEW})
    assert response.status_code == 401


def test_guessing_the_current_password_counts_as_failed_sign_ins(app, city):  # noqa: F811
    """A session left open on a shared computer gives five guesses, not an endless supply."""
    user = city.users["admin"]
    headers = bearer(app.test_client(), user)
    page = app.test_client()
    login(page, user)
    codes = [change_page(page, current="guess-%d" % n).status_code for n in range(3)]
    codes += [
        app.test_client()
        .post("/api/v1/auth/password", headers=headers, json={"current_password": "guess-x%d" % n, "new_password": NEW})
        .status_code
        for n in range(2)
    ]
    assert codes == [422] * 5
    assert change_page(page).status_code == 429
    assert authenticate(user.username, PASSWORD) == user
