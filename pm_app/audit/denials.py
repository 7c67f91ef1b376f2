"""Refused requests in the trail: every 401, 403 and 404 the app answers on one of its routes,
and every failed sign-in, with the caller, the method, the path, the URL's object and the status.

The answer is noted when it is made (pm_app.errors) and written when the request ends, in a
transaction of its own: a refused request's own work is rolled back, its denial is not. Writing
after the request's session has let go also keeps SQLite, which has one writer at a time, from
waiting on the request's own uncommitted rows."""

from __future__ import annotations

import logging

from flask import Flask, g, has_request_context, request
from sqlalchemy import insert, select

from pm_app.audit.context import is_paused, new_row, remember_actor
from pm_app.audit.models import LOGIN, REQUEST, AuditEvent
from pm_app.extensions import db

log = logging.getLogger(__name__)
DENIED = (401, 403, 404)


def note_object(model: type, object_id) -> None:
    """Called by the scope helpers when they answer 404: which object was asked for, and whether
    it exists (outside the caller's scope) or not at all. The caller never learns which."""
    if has_request_context():
        with db.session.no_autoflush:  # a look, not a reason to write what the request has pending
            exists = db.session.scalar(select(model.id).where(model.id == object_id)) is not None
        g._audit_object = {"kind": model.__tablename__, "id": object_id, "exists": exists}


def note_denial(status: int) -> None:
    """Called by the error handlers for every answer they make; keeps the refusals on routes
    (a 404 for a path no route matches is a typo or a scanner, not a refusal)."""
    if status not in DENIED or not has_request_context() or request.url_rule is None:
        return
    detail = {"endpoint": request.endpoint, "args": request.view_args or {}}
    if "_audit_object" in g:
        detail["object"] = g._audit_object
    _queue(REQUEST, status, detail)


def note_failed_login(username: str) -> None:
    _queue(LOGIN, 401, {"username": (username or "")[:64]})


def _queue(kind: str, status: int, detail: dict) -> None:
    if is_paused() or g.get("_audit_denial") is not None:
        return  # one row per request: the first, most specific note wins
    row = new_row("denied", kind, None, detail=detail)
    row["status"] = status
    g._audit_denial = row


def write_in_own_transaction(rows: list[dict]) -> None:
    # The request is over: what it did not commit is dropped here as it would be at teardown,
    # so the denial's own transaction never waits on it.
    db.session.rollback()
    with db.engine.begin() as connection:
        connection.execute(insert(AuditEvent.__table__), rows)


def write_in_session(rows: list[dict]) -> None:
    """For the test harness, where every test is one rolled-back transaction."""
    db.session.connection().execute(insert(AuditEvent.__table__), rows)


writer = write_in_own_transaction


def _flush(_exc) -> None:
    row = g.pop("_audit_denial", None)
    g.pop("_audit_object", None)
    g.pop("_audit_actor", None)
    g.pop("_request_id", None)
    if row is None:
        return
    try:
        writer([row])
    except Exception:  # the trail must never turn an answer into a server error
        log.exception("could not write the denial of %s %s", row.get("method"), row.get("path"))


def register_audit(app: Flask) -> None:
    app.before_request(remember_actor)
    app.teardown_request(_flush)
