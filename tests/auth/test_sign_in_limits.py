"""Failed sign-ins are counted per (client address, username) and per client address, together
for the sign-in page, the token API and the password change: someone guessing from elsewhere
cannot lock the real user out, and switching between page and API gains no guesses."""

from __future__ import annotations

import pytest

from tests.security.conftest import PASSWORD, _fresh_limits, city  # noqa: F401  (fixtures)

ATTACKER, OWNER = "203.0.113.9", "198.51.100.7"


def page(client, username, password, address):
    return client.post(
        "/login", data={"username": username, "password": password}, environ_base={"REMOTE_ADDR": address}
    ).status_code


def token(client, username, password, address):
    return client.post(
        "/api/v1/auth/token", json={"username": username, "password": password}, environ_base={"REMOTE_ADDR": address}
    ).status_code


@pytest.mark.parametrize("attempt", [page, token])
def test_guessing_from_elsewhere_does_not_lock_the_real_user_out(client, city, attempt):  # noqa: F811
    admin = city.users["admin"].username
    assert [attempt(client, admin, "wrong-password", ATTACKER) for _ in range(5)] == [
        200 if attempt is page else 401
    ] * 5
    assert attempt(client, admin, PASSWORD, ATTACKER) == 429  # the guesser is stopped
    assert page(client, admin, PASSWORD, OWNER) == 302  # the admin, at their desk, is not
    assert token(client, admin, PASSWORD, OWNER) == 200


def test_page_and_api_share_one_count(client, city):  # noqa: F811
    admin = city.users["admin"].username
    assert [page(client, admin, "wrong-password", ATTACKER) for _ in range(3)] == [200] * 3
    assert [token(client, admin, "wrong-password", ATTACKER) for _ in range(2)] == [401] * 2
    assert token(client, admin, PASSWORD, ATTACKER) == 429  # five failures in all, not 5 + 5
    assert page(client, admin, PASSWORD, ATTACKER) == 429


def test_an_address_trying_many_users_is_stopped_on_page_and_api_alike(app, client, city, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_ADDRESS", "4 per 15 minutes")
    names = [city.users[role].username for role in ("regulator", "street_officer", "firm_staff", "contractor_staff")]
    assert page(client, names[0], "wrong-password", ATTACKER) == 200
    assert token(client, names[1], "wrong-password", ATTACKER) == 401
    assert page(client, names[2], "wrong-password", ATTACKER) == 200
    assert token(client, names[3], "wrong-password", ATTACKER) == 401
    assert page(client, city.users["admin"].username, PASSWORD, ATTACKER) == 429
    assert page(client, city.users["admin"].username, PASSWORD, OWNER) == 302


def test_usernames_differing_in_case_or_spaces_share_a_count(client, city):  # noqa: F811
    admin = city.users["admin"].username
    for spelling in (admin, admin.upper(), f" {admin}", f"{admin} ", admin.title()):
        page(client, spelling, "wrong-password", ATTACKER)
    assert page(client, admin, PASSWORD, ATTACKER) == 429


def test_a_successful_sign_in_costs_nothing(client, city):  # noqa: F811
    admin = city.users["admin"].username
    for _ in range(4):
        assert page(client, admin, "wrong-password", OWNER) == 200
    for _ in range(3):
        assert token(client, admin, PASSWORD, OWNER) == 200
    assert page(client, admin, PASSWORD, OWNER) == 302
