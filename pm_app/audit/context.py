"""Who is acting and from where, for every audit row; and the switch that keeps seeding out of
the trail (a demo city is millions of rows that nobody changed)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import g, has_request_context, request
from sqlalchemy import inspect

from pm_app.common.clock import now
from pm_app.common.logs import request_id

_paused: ContextVar[bool] = ContextVar("audit_paused", default=False)
_actor: ContextVar[tuple[int | None, str] | None] = ContextVar("audit_actor", default=None)
# A request id from the proxy is kept only if it looks like one: it is written into the trail.
SYSTEM = "system"


@contextmanager
def paused() -> Iterator[None]:
    """Nothing inside is audited: only for loading seed and demo data into an empty database."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def is_paused() -> bool:
    return _paused.get()


@contextmanager
def acting_as(name: str, user_id: int | None = None) -> Iterator[None]:
    """Outside a request (CLI, jobs) rows name this actor instead of "system"."""
    token = _actor.set((user_id, name[:64]))
    try:
        yield
    finally:
        _actor.reset(token)


def remember_actor() -> None:
    """Before each request's view runs: the signed-in user's id and name, read once, so rows
    written during a flush never have to load the user (its attributes expire at each commit)."""
    from flask_login import current_user

    if request.endpoint == "static":
        return
    g._audit_actor = (current_user.id, current_user.username) if current_user.is_authenticated else None


def who() -> tuple[int | None, str | None]:
    if not has_request_context():
        return _actor.get() or (None, SYSTEM)
    if g.get("_audit_actor"):
        return g._audit_actor
    user = g.get("_login_user")  # set by Flask-Login or the API's bearer check, never loaded here
    if user is not None and getattr(user, "is_authenticated", False):
        state = inspect(user)
        return (state.identity or (None,))[0], state.dict.get("username")
    return None, None


def where() -> dict:
    """The request's id, client address, method and path; empty outside a request."""
    if not has_request_context():
        return {}
    return {
        "request_id": request_id(),
        "ip": (request.remote_addr or "")[:45] or None,
        "method": request.method[:8],
        "path": request.path[:512],
    }


def new_row(action: str, kind: str, object_id: str | None, before=None, after=None, detail=None) -> dict:
    """The values of one audit row: the action, and who, when and where it happened."""
    actor_id, actor_name = who()
    return {
        "at": now(),
        "actor_id": actor_id,
        "actor_name": actor_name,
        "action": action,
        "kind": kind,
        "object_id": object_id,
        "before": before,
        "after": after,
        "detail": detail,
        "request_id": None,
        "ip": None,
        "method": None,
        "path": None,
        "status": None,
        **where(),
    }
