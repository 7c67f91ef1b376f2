"""The database itself refuses to change or remove an audit row, on PostgreSQL and SQLite alike."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from pm_app.audit.models import AuditEvent
from pm_app.extensions import db


@pytest.fixture
def row_id(city) -> int:
    city.contract.fee_rate_fen = 123
    db.session.flush()
    return db.session.scalar(select(func.max(AuditEvent.id)))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET actor_name = 'someone else' WHERE id = :id",
        'UPDATE audit_event SET "after" = NULL WHERE id = :id',
        "DELETE FROM audit_event WHERE id = :id",
        "DELETE FROM audit_event",
    ],
)
def test_the_database_refuses_to_update_or_delete_an_audit_row(row_id, statement):
    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(text(statement), {"id": row_id})
    assert db.session.get(AuditEvent, row_id).actor_name == "system"


def test_the_orm_cannot_change_one_either(row_id):
    event = db.session.get(AuditEvent, row_id)
    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        event.kind = "nothing"
        db.session.flush()


@pytest.mark.postgres_only
def test_postgresql_refuses_truncate(row_id):
    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(text("TRUNCATE audit_event"))
    assert db.session.get(AuditEvent, row_id) is not None
