"""Signed cookies cannot be taken back, so each page session carries its account's session
generation: a copy of a cookie taken before logout, a password change, a disable or an admin's
"sign out everywhere" is refused afterwards. API tokens are stored (only their SHA-256), so
revoking them deletes them."""

from __future__ import annotations

import pytest

from pm_app.auth import services
from pm_app.extensions import db
from tests.security.conftest import login


def _copy_of(client, app):
    """A second browser holding the same session cookie, as a thief with a copied cookie would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _refused(client) -> bool:
    response = client.get("/compounds")
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_cookie_copied_before_logout_is_refused_after_it(client, app, city):
    login(client, city.users["street_officer"])
    thief = _copy_of(client, app)
    assert thief.get("/compounds").status_code == 200  # the copy works while the session lives
    client.post("/logout")
    assert _refused(thief)
    assert (
        login(client, city.users["street_officer"]).status_code == 302 and client.get("/compounds").status_code == 200
    )


@pytest.mark.parametrize("change", ["disable", "password", "sign_out_everywhere"])
def test_a_copied_cookie_dies_with_a_disable_a_password_change_or_sign_out_everywhere(client, app, city, change):
    officer = city.users["street_officer"]
    login(client, officer)
    thief = _copy_of(client, app)
    assert thief.get("/compounds").status_code == 200
    if change == "disable":
        services.set_active(officer, False)
        db.session.flush()
        services.set_active(officer, True)  # enabling again does not bring the old sessions back
    elif change == "password":
        services.set_password(officer, "another-password-9")
    else:
        admin = app.test_client()
        login(admin, city.users["admin"])
        assert admin.post(f"/admin/users/{officer.id}/sessions").status_code == 302
    db.session.flush()
    assert _refused(thief) and _refused(client)


def test_sign_out_everywhere_revokes_api_tokens_too(api, app, city):
    officer = city.users["street_officer"]
    caller = api.as_(officer)
    assert caller.get("/api/v1/auth/me").status_code == 200
    admin = app.test_client()
    login(admin, city.users["admin"])
    assert admin.post(f"/admin/users/{officer.id}/sessions").status_code == 302
    assert caller.get("/api/v1/auth/me").status_code == 401


def test_logout_leaves_the_users_api_tokens_alone(api, client, city):
    officer = city.users["street_officer"]
    caller = api.as_(officer)
    assert caller.get("/api/v1/auth/me").status_code == 200
    login(client, officer)
    client.post("/logout")
    assert caller.get("/api/v1/auth/me").status_code == 200  # a script's token is not a browser session


def test_only_the_admin_may_sign_someone_out(app, city):
    officer = city.users["street_officer"]
    regulator = app.test_client()
    login(regulator, city.users["regulator"])
    assert regulator.post(f"/admin/users/{officer.id}/sessions").status_code == 404
    assert officer.session_version == 0
