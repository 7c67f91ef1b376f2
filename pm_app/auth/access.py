"""Coarse gates as decorators; object rules live in the domain services and raise."""

from __future__ import annotations

from functools import wraps

from flask import abort, g, request, session
from flask_login import current_user
from sqlalchemy.orm import joinedload

from pm_app.auth.models import Role, User
from pm_app.auth.services import SESSION_VERSION, user_for_token
from pm_app.extensions import db, login_manager


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """On every page request: the account must still be active and the session of its current
    generation (a copy of a cookie from before logout, a password change or a disable is not)."""
    # With its streets: a street officer's scope reads them on every page (one statement, not two).
    user = db.session.get(User, int(user_id), options=[joinedload(User.streets)])
    if user is None or not user.active or session.get(SESSION_VERSION, 0) != user.session_version:
        return None
    return user


def bearer_token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def authenticate_api_request() -> None:
    """The API trusts bearer tokens only; a browser session cookie does not open it (no CSRF)."""
    token = bearer_token()
    user = user_for_token(token) if token else None
    if user is None:
        abort(401)
    g._login_user = user  # what flask_login.current_user returns for this request


def require_role(*roles: Role):
    """Refuse (403) callers whose role may never use this route; scope is checked separately."""
    allowed = {Role(r) for r in roles}

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = allowed  # read by the route × role tests
        return wrapped

    return decorator


CITY = (Role.admin, Role.regulator)
OFFICE = (Role.admin, Role.regulator, Role.street_officer)
