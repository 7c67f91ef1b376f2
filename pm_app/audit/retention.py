"""Keeping the trail for as long as it must be kept, and no longer than the city wants.

The trail is kept at least six months (the floor, held by the database itself: a29a00000011) and
by default a year (PM_APP_AUDIT_KEEP_DAYS). Older rows are first written to a gzip file of JSON
lines in the archive folder (PM_APP_AUDIT_ARCHIVE_DIR), one object a row as the API shows it,
then removed in the same transaction as the purge window that lets the database accept the
DELETE. A run that fails removes nothing; a file written by a run that then failed is a harmless
duplicate, named by its own run.
"""

from __future__ import annotations

import gzip
import json
import os
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, inspect, select

from pm_app.audit.models import AuditEvent, AuditPurge
from pm_app.common.clock import now
from pm_app.extensions import db

FLOOR_DAYS = 180  # the database's own floor; the setting may not go under 183 (six months)
BATCH = 2000


def purge(before: datetime, archive_dir: Path) -> dict:
    """Archive then remove the rows recorded before `before`; the caller commits."""
    if before > now() - timedelta(days=FLOOR_DAYS):
        raise ValueError(f"the trail is kept at least {FLOOR_DAYS} days: {before:%Y-%m-%d} is too recent")
    started = now()
    archive_dir.mkdir(parents=True, exist_ok=True)
    path = archive_dir / f"audit-before-{before:%Y%m%d}-{started:%Y%m%dT%H%M%S}.jsonl.gz"
    count = _archive(before, path)
    run = AuditPurge(cutoff=before, started_at=started, archive=str(path) if count else None, removed=count)
    db.session.add(run)
    db.session.flush()  # the window exists in this transaction before the DELETE asks for it
    if count:
        db.session.execute(delete(AuditEvent).where(AuditEvent.at < before))
    else:
        path.unlink(missing_ok=True)
    return {"cutoff": before.isoformat(), "removed": count, "archive": run.archive}


def _archive(before: datetime, path: Path) -> int:
    count = 0
    query = select(AuditEvent).where(AuditEvent.at < before).order_by(AuditEvent.id).execution_options(yield_per=BATCH)
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for event in db.session.scalars(query):
            out.write(json.dumps(_row(event), ensure_ascii=False, default=str) + "\n")
            count += 1
            if count % BATCH == 0:
                db.session.expunge_all()  # keep memory flat over millions of rows
    with open(path, "rb") as written:
        os.fsync(written.fileno())  # on disk before the rows are gone
    return count


def _row(event: AuditEvent) -> dict:
    return {attr.key: getattr(event, attr.key) for attr in _COLUMNS}


_COLUMNS = inspect(AuditEvent).column_attrs
