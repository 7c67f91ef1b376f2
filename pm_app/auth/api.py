"""Bearer tokens for the API: POST /api/v1/auth/token, then `Authorization: Bearer <token>`."""

from __future__ import annotations

from flask import abort, current_app
from flask_login import current_user

from pm_app.audit.denials import note_failed_login
from pm_app.auth import services
from pm_app.auth.schemas import MeOut, PasswordChangeIn, TokenIn, TokenOut
from pm_app.common.api import Blueprint
from pm_app.errors import DomainError
from pm_app.extensions import db
from pm_app.security import login_limits, note_failed_sign_in

blp = Blueprint("auth_api", __name__, url_prefix="/api/v1/auth", description="API tokens")
PUBLIC_ENDPOINTS = {"auth_api.token"}


@blp.route("/token", methods=["POST"])
@blp.arguments(TokenIn)
@blp.response(200, TokenOut)
@blp.alt_response(401, description="wrong username or password, or a disabled account")
@blp.alt_response(429, description="too many failed attempts for this username or from this address")
@blp.doc(security=[])
@login_limits
def token(data):
    user = services.authenticate(data["username"], data["password"])
    if user is None:
        note_failed_sign_in()
        note_failed_login(data["username"])
        abort(401)
    return _new_token(user)


@blp.route("/password", methods=["POST"])
@blp.arguments(PasswordChangeIn)
@blp.response(
    200,
    TokenOut,
    description="the password is changed; every earlier token and page "
    "session has ended, and this new token replaces the caller's",
)
@blp.alt_response(422, description="the current password is wrong, or the new one breaks the policy")
@blp.alt_response(429, description="too many wrong current passwords from this address")
@login_limits
def change_password(data):
    try:
        services.change_password(current_user, data["current_password"], data["new_password"])
    except DomainError as error:
        if "current_password" in error.errors:
            note_failed_sign_in()
        raise
    return _new_token(current_user)


def _new_token(user):
    issued = services.issue_token(user)
    db.session.commit()
    return {"token": issued, "expires_in": current_app.config["API_TOKEN_TTL_HOURS"] * 3600}


@blp.route("/me", methods=["GET"])
@blp.response(200, MeOut)
def me():
    return current_user
