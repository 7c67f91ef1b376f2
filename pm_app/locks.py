"""Check-then-insert without a race, the one way every service does it.

A rule such as "at most six photos", "the deposit is decided once" or "a published period does
not change" reads rows and then writes. Two requests running side by side both read the old
state and both write, unless the second one waits. So:

- `locked(obj)` re-reads the object's row with SELECT … FOR UPDATE (PostgreSQL; SQLite runs one
  writer at a time anyway) and refreshes it, so the check that follows sees what the request
  before it committed, and the next request waits for this one's commit;
- `insert_or_conflict(obj, conflict)` inserts under a savepoint where a unique constraint is the
  guard (there is no row to lock before the first insert): the loser of the race gets the
  conflict it names, a 409, and its transaction stays usable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from pm_app.errors import Conflict
from pm_app.extensions import db

T = TypeVar("T")


def locked(obj: T) -> T:
    """`obj` with its row locked for the rest of the transaction and its attributes re-read."""
    model = type(obj)
    key = inspect(obj).identity
    where = [column == value for column, value in zip(inspect(model).primary_key, key)]
    return db.session.scalars(
        select(model).where(*where).with_for_update().execution_options(populate_existing=True)
    ).one()


def locked_id(model: type[T], object_id: int) -> T | None:
    return db.session.scalars(
        select(model)
        .where(inspect(model).primary_key[0] == object_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()


def is_unique_violation(error: IntegrityError) -> bool:
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    if code is not None:
        return code == "23505"
    return "UNIQUE constraint failed" in str(error.orig)


def insert_or_conflict(obj, conflict: Callable[[], Conflict]):
    """Add and flush `obj`; if a unique constraint refuses it (another request won the race, or
    the check before was skipped), raise `conflict()` with the session still usable. (A function:
    its message is translated only when it is needed, and seeds run without a request.)"""
    try:
        with db.session.begin_nested():
            db.session.add(obj)
            db.session.flush()
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        raise conflict() from error
    return obj
