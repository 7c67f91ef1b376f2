"""Accounts: creating users with the binding their role needs, passwords, API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from pm_app.auth import passwords
from pm_app.auth.models import ROLE_BINDING, ApiToken, Role, User
from pm_app.common.clock import now
from pm_app.errors import Conflict, DomainError
from pm_app.extensions import db
from pm_app.org.models import City, Compound, Firm, FirmKind, Street

SESSION_VERSION = "_sv"  # the key of the session generation in the signed cookie


def hash_password(password: str) -> str:
    return generate_password_hash(password)  # scrypt, werkzeug's current default


def create_user(
    username: str,
    password: str,
    role: Role | str,
    *,
    street_ids=(),
    firm_id=None,
    compound_id=None,
    display_name: str | None = None,
    enforce_policy: bool = True,
    city_id: int | None = None,
) -> User:
    """enforce_policy=False only for accounts whose password is published on purpose (the demo's)."""
    role = Role(role)
    errors: dict[str, list[str]] = {}
    if not username or len(username) > 64:
        errors["username"] = ["must be 1–64 characters"]
    elif db.session.scalar(select(User.id).where(User.username == username)):
        raise Conflict(f"username {username!r} is taken", {"username": ["already taken"]})
    if enforce_policy and (broken := passwords.problems(password, username)):
        errors["password"] = passwords.english(broken)
    streets = _bindings(role, list(street_ids), firm_id, compound_id, errors)
    _check_city(role, city_id, errors)
    if errors:
        raise DomainError("The user could not be created.", errors)
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        display_name=display_name,
        streets=streets,
        firm_id=firm_id if ROLE_BINDING.get(role) == "firm" else None,
        compound_id=compound_id if role == Role.committee_member else None,
        city_id=city_id if role == Role.regulator else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def _check_city(role: Role, city_id: int | None, errors: dict) -> None:
    """Only a regulator is scoped by city (None: every city); the city must exist."""
    if city_id is None:
        return
    if role != Role.regulator:
        errors["city_id"] = ["only a regulator is scoped to a city"]
    elif db.session.get(City, city_id) is None:
        errors["city_id"] = ["unknown city"]


def scope_regulator(user: User, city_id: int | None) -> User:
    """Scope a regulator to one city, or to every city (None). Their sessions end, so no page
    already open goes on showing what they no longer see."""
    errors: dict[str, list[str]] = {}
    _check_city(user.role, city_id, errors)
    if errors:
        raise DomainError("The regulator's city could not be set.", errors)
    if user.city_id != city_id:
        user.city_id = city_id
        end_sessions(user)
    db.session.flush()
    return user


def _bindings(role: Role, street_ids, firm_id, compound_id, errors) -> list[Street]:
    need = ROLE_BINDING.get(role)
    streets: list[Street] = []
    if need == "streets":
        streets = list(db.session.scalars(select(Street).where(Street.id.in_(street_ids))))
        if not street_ids:
            errors["street_ids"] = ["a street officer needs at least one street"]
        elif len(streets) != len(set(street_ids)):
            errors["street_ids"] = ["unknown street"]
    elif need == "firm":
        kind = FirmKind.property if role == Role.firm_staff else FirmKind.contractor
        firm = db.session.get(Firm, firm_id) if firm_id else None
        if firm is None:
            errors["firm_id"] = ["this role needs a firm"]
        elif firm.kind != kind:
            errors["firm_id"] = [f"must be a {kind.value} firm"]
    elif need == "compound" and (not compound_id or db.session.get(Compound, compound_id) is None):
        errors["compound_id"] = ["a committee member needs a compound"]
    return streets


def set_password(user: User, password: str, *, field: str = "password") -> None:
    if broken := passwords.problems(password, user.username):
        raise DomainError("The password does not meet the policy.", {field: passwords.english(broken)})
    user.password_hash = hash_password(password)
    end_sessions(user)  # a reset password should lock out whoever held the old one


def change_password(user: User, current: str, new: str) -> None:
    """The user's own change: the current password first (a session left open on a shared
    computer must not be enough to take the account over), then the policy. Every other session
    and token ends; the caller keeps its own by taking the new generation or a new token."""
    if not check_password_hash(user.password_hash, current):
        raise DomainError("The current password is wrong.", {"current_password": ["is wrong"]})
    if check_password_hash(user.password_hash, new):
        raise DomainError(
            "The new password is the current one.", {"new_password": ["must differ from the current one"]}
        )
    set_password(user, new, field="new_password")


def end_sessions(user: User) -> None:
    """Sign the user out everywhere: every page session (of any copy of any cookie) and every API token."""
    end_page_sessions(user)
    _revoke_tokens(user)


def end_page_sessions(user: User) -> None:
    user.session_version = (user.session_version or 0) + 1


def _revoke_tokens(user: User) -> None:
    for token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)):
        db.session.delete(token)


def set_active(user: User, active: bool) -> None:
    user.active = active
    if not active:
        end_sessions(user)  # a disabled account keeps no session and no API access either


def authenticate(username: str, password: str) -> User | None:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)  # same work for unknown names: no timing oracle
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


_DUMMY_HASH = generate_password_hash("not-a-real-password")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> str:
    token = secrets.token_urlsafe(32)
    ttl = timedelta(hours=current_app.config["API_TOKEN_TTL_HOURS"])
    db.session.add(ApiToken(user_id=user.id, token_hash=_digest(token), expires_at=now() + ttl))
    db.session.flush()
    return token


# Built once: every API request runs one of these, and building the expression each time was a
# tenth of a cached answer's time.
_TOKEN_GOOD = (ApiToken.token_hash == bindparam("digest"), ApiToken.expires_at > bindparam("at"), User.active.is_(True))
_TOKEN_USER = (
    select(User).join(ApiToken, ApiToken.user_id == User.id).where(*_TOKEN_GOOD).options(joinedload(User.streets))
)  # the scope of a street officer's request reads them
_TOKEN_VALID = select(ApiToken.id).join(User, User.id == ApiToken.user_id).where(*_TOKEN_GOOD)


def user_for_token(token: str) -> User | None:
    # One statement, and only the user is built (the token row is a condition, not an object).
    return db.session.scalars(_TOKEN_USER, {"digest": _digest(token), "at": now()}).unique().first()


def token_is_valid(token: str) -> bool:
    """The same check without building the user: for an answer the API cache already holds,
    which needs to know the token is still good and nothing else. On its own connection in
    autocommit, so it costs one round trip, not BEGIN, SELECT and ROLLBACK; a session bound to a
    connection of its own (the test harness's transaction) is joined instead, to see its rows."""
    params = {"digest": _digest(token), "at": now()}
    bind = db.session.get_bind()
    if isinstance(bind, Connection):
        return bind.execute(_TOKEN_VALID, params).first() is not None
    with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return connection.execute(_TOKEN_VALID, params).first() is not None
