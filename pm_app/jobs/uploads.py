"""Uploaded files staged for an import (ImportUpload): written when the file arrives, read by the
preview and by the job, deleted when the job ends; any left over (previewed and never confirmed,
or whose job was killed) go after KEEP, swept whenever a new file arrives.

An upload is its uploader's alone: for anyone else it does not exist (404), whoever they are."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import IO

from sqlalchemy import ColumnElement, delete, or_, select

from pm_app.auth.scope import scope_rule
from pm_app.common.clock import now
from pm_app.extensions import db
from pm_app.jobs.models import ACTIVE, ImportUpload, Job

KEEP = timedelta(days=1)


@scope_rule(ImportUpload)
def _upload(user) -> ColumnElement[bool]:
    return ImportUpload.created_by_id == user.id


def stage(
    user, kind_name: str, target_id: int | None, stream: IO[bytes], filename: str | None, options: dict
) -> ImportUpload:
    """Keep the file (flushed; the request commits). The request's size is already bounded by
    MAX_CONTENT_LENGTH, so reading it whole is bounded too."""
    sweep()
    data = stream.read()
    upload = ImportUpload(
        kind=kind_name,
        target_id=target_id,
        options=options,
        filename=(filename or "")[:255],
        size=len(data),
        data=data,
        created_by_id=user.id,
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def stream_of(upload: ImportUpload) -> IO[bytes]:
    return io.BytesIO(upload.data)


def sweep() -> None:
    """Delete uploads older than KEEP and those whose job has ended (finished, failed, reaped)."""
    ended = select(Job.id).where(Job.state.not_in(ACTIVE))
    db.session.execute(
        delete(ImportUpload)
        .where(or_(ImportUpload.created_at < now() - KEEP, ImportUpload.job_id.in_(ended)))
        .execution_options(synchronize_session="fetch")
    )  # SQLite reuses ids
