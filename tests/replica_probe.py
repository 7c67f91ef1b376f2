"""Which engine ran which statement: the replica tests' witness (tests/common/test_replica.py on
SQLite files, tests/deploy/test_replica.py on a real PostgreSQL streaming replica)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from pm_app.extensions import db

WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "TRUNCATE")


@contextmanager
def served_by(app) -> Iterator[dict[str, list[str]]]:
    """{"primary": [statements…], "replica": [statements…]} sent inside the block."""
    with app.app_context():
        engines = {"primary": db.engines[None], "replica": db.engines["replica"]}
    seen: dict[str, list[str]] = {name: [] for name in engines}
    listeners = []
    for name, engine in engines.items():

        def record(_connection, _cursor, statement, *_args, _name=name):
            seen[_name].append(statement)

        event.listen(engine, "before_cursor_execute", record)
        listeners.append((engine, record))
    try:
        yield seen
    finally:
        for engine, record in listeners:
            event.remove(engine, "before_cursor_execute", record)


def writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(WRITES)]


def reads_user(statements: list[str]) -> bool:
    """The signed-in user's row was loaded by one of these (flask-login's user loader)."""
    return any('FROM "user"' in s or "FROM user " in s for s in statements)
