"""A tracked background job: long work a user started (bills for many compounds, later the
imports), with its progress and its result kept in the database, so the page that polls it,
the API and a reload all read the same row, whichever process runs the work."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, LargeBinary, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from pm_app.common.types import UTCDateTime
from pm_app.extensions import db

STATES = ("queued", "running", "finished", "failed")
ACTIVE = ("queued", "running")
ORG_KINDS = ("city", "street", "firm", "compound")
# job id → (done, total) of a one-transaction job running in this process on SQLite, whose own
# connection cannot write the row while the import holds the database's one write lock (liveness.py).
LIVE_PROGRESS: dict[int, tuple[int, int]] = {}


class Job(db.Model):
    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'finished', 'failed')", name="state"),
        CheckConstraint("org_kind IN ('city', 'street', 'firm', 'compound')", name="org_kind"),
        CheckConstraint("progress_done >= 0 AND progress_total >= 0", name="progress"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(48), index=True)  # "bills.generate"
    state: Mapped[str] = mapped_column(String(16), default="queued")
    params: Mapped[dict] = mapped_column(JSON)  # what the runner needs: ids, a period, the page's language
    progress_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    progress_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    result: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    # The organisation the job belongs to: who may see it besides its creator and the admin.
    org_kind: Mapped[str] = mapped_column(String(16))
    org_id: Mapped[int | None] = mapped_column(Integer)
    # Set while queued or running, cleared at the end: at most one active job per key (the same
    # work for the same scope), held by the unique index rather than by a check that can race.
    active_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Raised with every progress step: a running job silent for too long has died (a killed worker).
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def progress(self) -> dict:
        live = LIVE_PROGRESS.get(self.id) if self.state == "running" else None
        if live:
            return {"done": live[0], "total": live[1]}
        return {"done": self.progress_done, "total": self.progress_total}

    @property
    def active(self) -> bool:
        return self.state in ACTIVE


class ImportUpload(db.Model):
    """An uploaded file waiting for its import: kept in the database, not on a disk, so a worker on
    another machine reads the same bytes the page previewed. Deleted when its job ends, and any
    left over (previewed and never confirmed, or its job killed) after a day (jobs/uploads.py)."""

    __tablename__ = "import_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # a common.imports.registry kind: "households"
    target_id: Mapped[int | None] = mapped_column(Integer)  # the compound, project or street (kind.target)
    options: Mapped[dict] = mapped_column(JSON)  # include_hidden, and the 12345 import's assignments
    filename: Mapped[str] = mapped_column(String(255), default="", server_default="")
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now(), index=True)
