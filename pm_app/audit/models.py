"""The audit trail: one append-only table of who changed what (with the columns before and after)
and of every request the app refused. The database refuses UPDATE and DELETE on it (triggers in
migration f1c3a9d2e003), so not even the application can rewrite its own history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from pm_app.common.types import UTCDateTime
from pm_app.extensions import db

APPEND_ONLY = "the audit trail is append-only"

# Actions: create / update / delete (one object through the ORM), bulk_insert / bulk_update /
# bulk_delete (one summary row per set-based statement), denied (a refused request or sign-in).
ACTIONS = ("create", "update", "delete", "bulk_insert", "bulk_update", "bulk_delete", "denied")
# Kinds that are not a table: a refused request, a failed sign-in.
REQUEST, LOGIN = "request", "login"


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_kind_object", "kind", "object_id"),)
    # BIGINT on PostgreSQL (many rows over the years); SQLite's rowid alias must be INTEGER.
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # No foreign key to user: the trail outlives accounts, and a denial is written on its own
    # connection, where the request's uncommitted rows are not visible.
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_name: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    # none_as_null: "no before" (a create) is SQL NULL, not the JSON text 'null'.
    before: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    after: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    detail: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    request_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(45))
    method: Mapped[str | None] = mapped_column(String(8))
    path: Mapped[str | None] = mapped_column(String(512))
    status: Mapped[int | None] = mapped_column(SmallInteger)


class AuditPurge(db.Model):
    """One run of the retention job over the trail: the cutoff it removed rows before, the archive
    it wrote them to first, how many. The database lets a DELETE of audit_event through only
    within such a window, and only for a cutoff at least 180 days old (a29a00000011)."""

    __tablename__ = "audit_purge"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cutoff: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    archive: Mapped[str | None] = mapped_column(String(512))
    removed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
