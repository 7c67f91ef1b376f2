"""Retention: the trail is archived (gzip JSON lines) and then removed past its keeping time, and
the database itself refuses to let go of any row younger than 180 days, whoever asks; expired
API tokens and long-sent deliveries go too; failed deliveries stay."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from jobs.retention import purge as retention_job
from pm_app.alerts.models import Alert, AlertRecipient, Delivery
from pm_app.alerts.retention import purge_sent_deliveries
from pm_app.audit import retention
from pm_app.audit.models import AuditEvent, AuditPurge
from pm_app.auth.models import ApiToken
from pm_app.auth.retention import purge_expired_tokens
from pm_app.common.clock import now
from pm_app.extensions import db
from tests.factories import UserFactory


def _event(days_ago: int, object_id: str) -> AuditEvent:
    event = AuditEvent(
        at=now() - timedelta(days=days_ago),
        action="create",
        kind="bill",
        object_id=object_id,
        after={"period": "2025-01", "说明": "旧账"},
    )
    db.session.add(event)
    return event


def _count(**where) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).filter_by(**where))


def test_rows_past_the_keeping_time_are_archived_then_removed(app, tmp_path):
    _event(400, "old-1"), _event(390, "old-2"), _event(30, "young")
    db.session.commit()
    result = retention.purge(now() - timedelta(days=365), tmp_path)
    db.session.commit()
    assert result["removed"] == 2 and _count(object_id="young") == 1
    assert _count(object_id="old-1") == _count(object_id="old-2") == 0
    with gzip.open(result["archive"], "rt", encoding="utf-8") as archive:
        rows = [json.loads(line) for line in archive]
    assert [row["object_id"] for row in rows] == ["old-1", "old-2"] and rows[0]["after"]["说明"] == "旧账"
    run = db.session.scalars(select(AuditPurge)).one()
    assert run.removed == 2 and run.archive == result["archive"]


def test_nothing_to_remove_leaves_no_file(app, tmp_path):
    result = retention.purge(now() - timedelta(days=365), tmp_path)
    assert result["removed"] == 0 and result["archive"] is None and list(tmp_path.iterdir()) == []


def test_the_service_refuses_a_cutoff_inside_six_months(app, tmp_path):
    with pytest.raises(ValueError, match="at least 180 days"):
        retention.purge(now() - timedelta(days=100), tmp_path)


def test_the_database_refuses_a_delete_without_a_window_or_with_a_recent_one(app):
    _event(400, "old")
    db.session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("DELETE FROM audit_event WHERE object_id = 'old'"))
    db.session.rollback()
    # a window the app could write for itself, but younger than the floor: still refused
    db.session.add(AuditPurge(cutoff=now() - timedelta(days=10), started_at=now()))
    db.session.flush()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("DELETE FROM audit_event WHERE object_id = 'old'"))
    db.session.rollback()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("UPDATE audit_event SET kind = 'x' WHERE object_id = 'old'"))
    db.session.rollback()
    assert _count(object_id="old") == 1


def test_expired_tokens_and_long_sent_deliveries_go_and_failed_ones_stay(app):
    user = UserFactory()
    db.session.add_all(
        [
            ApiToken(user_id=user.id, token_hash="a" * 64, expires_at=now() - timedelta(days=30)),
            ApiToken(user_id=user.id, token_hash="b" * 64, expires_at=now() + timedelta(days=3)),
        ]
    )
    alert = Alert(
        rule="warranty_expiring",
        subject_type="warranty_item",
        subject_id=1,
        severity="info",
        title="保修即将到期",
        dedup_key="retention-test",
    )
    alert.recipients = [AlertRecipient(audience="street", org_id=1), AlertRecipient(audience="regulator")]
    db.session.add(alert)
    db.session.flush()
    street, city = alert.recipients
    long_ago = now() - timedelta(days=200)
    db.session.add_all(
        [
            Delivery(alert_id=alert.id, recipient_id=street.id, channel="email", state="sent", sent_at=long_ago),
            Delivery(alert_id=alert.id, recipient_id=city.id, channel="email", state="sent", sent_at=now()),
            Delivery(alert_id=alert.id, recipient_id=street.id, channel="webhook", state="failed"),
        ]
    )
    db.session.flush()
    assert purge_expired_tokens(now() - timedelta(days=7)) == 1
    assert purge_sent_deliveries(now() - timedelta(days=90)) == 1
    assert sorted(d.state for d in db.session.scalars(select(Delivery))) == ["failed", "sent"]
    assert [t.token_hash[0] for t in db.session.scalars(select(ApiToken))] == ["b"]


def test_the_daily_job_runs_every_part_with_its_settings(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_ARCHIVE_DIR", str(tmp_path))
    _event(500, "ancient")
    db.session.commit()
    result = retention_job()
    assert result["audit"]["removed"] == 1 and result["tokens"] == 0 and result["deliveries"] == 0
    assert _count(object_id="ancient") == 0
