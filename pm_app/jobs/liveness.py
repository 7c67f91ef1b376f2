"""Progress and liveness of a job whose work is ONE transaction (an import: every row or none).

Such a job cannot report progress by committing its own session: that would commit half a file.
So its progress goes through a connection of its own (`SideChannel`), each UPDATE committed at
once, and the same connection holds a PostgreSQL advisory lock on the job's id for as long as the
job runs. A worker that dies (SIGKILL, a lost machine) closes that connection, and the server
drops the lock and rolls the import back; a reader that can take the lock (`gone`) knows the job
is dead at once instead of waiting STALE_RUNNING for its heartbeat to age.

SQLite allows one writer: a second connection would wait on the import's own lock. There the
progress is kept in this process (`LIVE`), which is where the job runs when there is no Redis;
a dead job is found by its heartbeat alone.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import text, update

from pm_app.common.clock import now
from pm_app.extensions import db
from pm_app.jobs.models import LIVE_PROGRESS, Job

log = logging.getLogger(__name__)
LOCK_SPACE = 2801  # the advisory locks' first key: one-transaction jobs (the second is the job's id)
# From the claim (heartbeat set) to the lock taken is milliseconds; a job younger than this is
# never judged by its lock.
GRACE = timedelta(seconds=10)


def _postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


class SideChannel:
    """`with SideChannel(job_id) as side:` the lock is held; `side.progress(done, total)` records
    progress without touching the job's transaction (the registry's ProgressFn)."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.connection = None
        self.done = 0  # the last progress reported: the job's final count

    def __enter__(self) -> SideChannel:
        if _postgres():
            self.connection = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            self.connection.execute(
                text("SELECT pg_advisory_lock(:space, :id)"), {"space": LOCK_SPACE, "id": self.job_id}
            )
        return self

    def progress(self, done: int, total: int) -> None:
        total, self.done = max(total, done), done
        if self.connection is None:
            LIVE_PROGRESS[self.job_id] = (done, total)
            return
        try:
            self.connection.execute(
                update(Job)
                .where(Job.id == self.job_id, Job.state == "running")
                .values(progress_done=done, progress_total=total, heartbeat_at=now())
            )
        except Exception:  # progress is a courtesy: never let it fail the import
            log.warning("job %s: progress not recorded", self.job_id, exc_info=True)

    def __exit__(self, *exc) -> None:
        LIVE_PROGRESS.pop(self.job_id, None)
        if self.connection is not None:
            try:
                self.connection.execute(
                    text("SELECT pg_advisory_unlock(:space, :id)"), {"space": LOCK_SPACE, "id": self.job_id}
                )
            finally:
                self.connection.close()


def gone(job: Job) -> bool:
    """A running one-transaction job whose lock nobody holds: its process has ended. Only on
    PostgreSQL; elsewhere the heartbeat's age decides (services.is_stale)."""
    if job.state != "running" or not _postgres():
        return False
    if (job.heartbeat_at or job.started_at or job.created_at) > now() - GRACE:
        return False
    with db.engine.connect() as connection:  # its own: the lock taken to test is released at once
        free = connection.execute(
            text("SELECT pg_try_advisory_lock(:space, :id)"), {"space": LOCK_SPACE, "id": job.id}
        ).scalar()
        if free:
            connection.execute(text("SELECT pg_advisory_unlock(:space, :id)"), {"space": LOCK_SPACE, "id": job.id})
        connection.rollback()
    return bool(free)
