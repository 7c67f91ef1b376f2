"""Dashboards read from a streaming replica (docs/scaling.md, "Dashboards from a read replica").

With DATABASE_REPLICA_URL set, config.binds() adds a second engine, bound as `replica`. Inside
`read_only()` the session sends its plain SELECTs there; everything else stays on the primary:
writes and flushes (they never pass through here), `SELECT … FOR UPDATE`, text statements, and
every statement outside the block. Without the setting `read_only()` changes nothing.

What may read the replica is what only reads and can stand a few seconds of lag: the endpoints
of READ_ONLY_ENDPOINTS, each a page of aggregates. Never a page or job that reads to decide a
write (sweeps, bill generation, payments, imports, ranking computation), and never sign-in or a
token check: the signed-in user is loaded from the primary before the block opens, so someone
who signed in a moment ago is not turned away by a replica that has not seen their session yet.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from pm_app.extensions import db

BIND = "replica"
# The role homes (pm_app/dashboards) and the public rankings pages: aggregates, no writes.
READ_ONLY_ENDPOINTS = ("home.index", "rankings_public.index", "rankings_public.firm")

_reading: ContextVar[bool] = ContextVar("pm_app_read_only", default=False)


@contextmanager
def read_only() -> Iterator[None]:
    """Within the block, plain SELECTs go to the replica when there is one (it may lag)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def reading() -> bool:
    return _reading.get()


def init_app(app: Flask) -> None:
    if not event.contains(Session, "do_orm_execute", _route):
        event.listen(Session, "do_orm_execute", _route)
    for endpoint in READ_ONLY_ENDPOINTS:
        if endpoint in app.view_functions:
            app.view_functions[endpoint] = _on_replica(app.view_functions[endpoint])


def _on_replica(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        current_user.is_authenticated  # noqa: B018 — loads the user from the primary, before the block
        with read_only():
            return view(*args, **kwargs)

    wrapped.reads_replica = True  # type: ignore[attr-defined]
    return wrapped


def _route(state: ORMExecuteState):
    if not _reading.get() or not state.is_select or getattr(state.statement, "_for_update_arg", None) is not None:
        return None
    replica = db.engines.get(BIND)
    if replica is None or "bind" in state.bind_arguments:
        return None
    return state.invoke_statement(bind_arguments={"bind": replica})
