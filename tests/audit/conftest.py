"""The two-street city and the security world (one object of every kind on each side), and a
reader of the audit rows."""

from __future__ import annotations

from sqlalchemy import select

from pm_app.audit.models import AuditEvent
from pm_app.extensions import db
from tests.org.conftest import City, city  # noqa: F401  (the fixture, shared)
from tests.security.conftest import _fresh_limits, login, world  # noqa: F401  (fixtures, shared)


def events(**where) -> list[AuditEvent]:
    """Audit rows matching column=value, oldest first."""
    query = select(AuditEvent).order_by(AuditEvent.id)
    for column, value in where.items():
        query = query.where(getattr(AuditEvent, column) == value)
    return list(db.session.scalars(query))


def last(**where) -> AuditEvent:
    found = events(**where)
    assert found, f"no audit row with {where}"
    return found[-1]
