"""The password policy (at least 10 characters, not one of the common passwords, not the
username, not one character over and over) holds wherever a password is chosen: the
create-user command, the admin pages, the user's own change. Existing passwords keep working."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pm_app.auth.models import User
from pm_app.auth.passwords import problems
from pm_app.auth.services import authenticate
from pm_app.extensions import db
from tests.factories import UserFactory
from tests.security.conftest import PASSWORD, _fresh_limits  # noqa: F401  (the fixture)


@pytest.mark.parametrize(
    "password, username, broken",
    [
        ("12345678", "wang", ["too_short"]),
        ("1234567890", "wang", ["common"]),
        ("Password123", "wang", ["common"]),
        ("woaini1314", "wang", ["common"]),
        ("zhangweizhangwei", "zhangwei", ["username"]),
        ("my-ZhangWei-2026", "zhangwei", ["username"]),
        ("aaaaaaaaaaaa", "wang", ["too_simple"]),
        ("1212121212", "wang", ["too_simple", "common"]),
        ("tab\there-is-bad", "wang", ["control"]),
        ("x" * 129 + "abcd", "wang", ["too_long"]),
        ("olive-tree-99", "li", []),  # a two-letter name inside a good password is chance
        ("东门新村-物业-2026", "wang", []),
        ("correct horse battery", "wang", []),
    ],
)
def test_the_policy(password, username, broken):
    assert problems(password, username) == broken


@pytest.mark.parametrize("password", ["12345678", "1234567890", "zhangweizhangwei", "zhangwei12"])
def test_create_user_command_refuses_a_weak_password(app, password):
    result = app.test_cli_runner().invoke(
        args=["create-user", "--username", "zhangwei", "--password", password, "--role", "admin"]
    )
    assert result.exit_code != 0 and "password" in result.output
    assert db.session.scalar(select(User).where(User.username == "zhangwei")) is None


def test_create_user_command_takes_a_good_password(app):
    result = app.test_cli_runner().invoke(
        args=["create-user", "--username", "zhangwei", "--password", "东门-维修-2026", "--role", "admin"]
    )
    assert result.exit_code == 0, result.output
    assert authenticate("zhangwei", "东门-维修-2026") is not None


@pytest.fixture
def admin_client(client):
    admin = UserFactory(username="root")
    client.post("/login", data={"username": "root", "password": PASSWORD})
    return client, admin


@pytest.mark.parametrize(
    "password, message",
    [
        ("12345678", "密码至少需要 10 个字符。"),
        ("password123", "这是最常见的密码之一，请换一个。"),
        ("wanggang-wanggang", "密码不能包含用户名。"),
    ],
)
def test_the_admin_page_explains_the_policy_in_chinese(admin_client, password, message):
    client, _ = admin_client
    response = client.post("/admin/users/new", data={"username": "wanggang", "password": password, "role": "regulator"})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "wanggang")) is None


def test_an_admin_reset_follows_the_policy(admin_client):
    client, _ = admin_client
    user = UserFactory(username="liuxiang")
    response = client.post(
        f"/admin/users/{user.id}/password", data={"password": "liuxiang123", "confirm": "liuxiang123"}
    )
    assert response.status_code == 422 and "密码不能包含用户名。" in response.get_data(as_text=True)
    assert authenticate("liuxiang", PASSWORD) == user


def test_an_existing_short_password_still_signs_in(client):
    """The policy applies when a password is chosen: the demo's published demo1234 keeps working."""
    from pm_app.auth.services import hash_password

    UserFactory(username="admin", password_hash=hash_password("demo1234"))
    assert client.post("/login", data={"username": "admin", "password": "demo1234"}).status_code == 302
