"""Tracked jobs: start one, run it, report its progress, and mark it failed when it dies.

One mechanism for every kind of long work a user starts. A domain registers a runner per kind
(`@runner("bills.generate")`); a runner takes the job and a `Progress`, does its work in steps,
calls `progress.step()` after each (which commits the step's work together with the count, so
the page polling the job sees exactly what is done) and returns the result, a JSON dict.

Flow: `start()` writes the job (queued) in the request's transaction; the request commits and
then calls `launch()` (enqueue after commit: a fast worker never looks for a row not yet there).
`launch()` puts `jobs.tracked.run_job(id)` on RQ when Redis is configured and in-process
otherwise (pm_app/common/queues.py). `run()` marks it running, calls the runner, and marks it finished
or, on any exception, failed with the error, keeping what the steps before already committed.
A job whose process died outright (a killed worker, a restarted server) stops raising its
heartbeat; `reap_stale()` marks it failed the next time anyone asks for such a job.

A runner registered `one_transaction=True` (the imports) instead does all its work in the run's one
transaction, committed at the end with the job's "finished", and reports progress and stays
findable dead through jobs/liveness.py; it raises `Refused` for an expected refusal (a file with
bad rows), which fails the job with its summary as the result and without a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from pm_app.common.clock import now
from pm_app.errors import Conflict
from pm_app.extensions import db
from pm_app.jobs import liveness
from pm_app.jobs.models import ACTIVE, Job
from pm_app.locks import is_unique_violation

log = logging.getLogger(__name__)
# The one job behind every tracked job, by the path RQ stores: jobs queued before an upgrade
# still find it under this name.
RUN_JOB = "jobs.tracked.run_job"

Runner = Callable[[Job, "Progress"], dict]
RUNNERS: dict[str, Runner] = {}
TITLES: dict[str, object] = {}  # kind → a lazy title for the job's page
TEMPLATES: dict[str, str] = {}  # kind → its result's partial, when not jobs/_<kind with _ for .>.html
ONE_TRANSACTION: set[str] = set()  # kinds whose work commits once, at the end (liveness.py)
STALE_RUNNING = timedelta(minutes=15)  # no progress step for this long: the process is gone
STALE_QUEUED = timedelta(hours=6)  # never picked up: no worker is draining the queue
ERROR_MAX = 2000


def runner(kind: str, title, template: str | None = None, one_transaction: bool = False):
    """Register the function that does a kind of job; its page shows `title` and the partial
    `template` (else templates/jobs/_<kind with _ for .>.html) for the result."""

    def register(fn: Runner) -> Runner:
        RUNNERS[kind], TITLES[kind] = fn, title
        TEMPLATES[kind] = template or f"jobs/_{kind.replace('.', '_')}.html"
        if one_transaction:
            ONE_TRANSACTION.add(kind)
        return fn

    return register


class Refused(Exception):
    """The work was refused as a user's input can be (a file with bad rows): the job fails with
    `message` as its error and `result` (what to correct) as its result; no traceback is logged."""

    def __init__(self, message: str, result: dict):
        super().__init__(message)
        self.message, self.result = message, result


class Progress:
    """What a runner reports after each step; each report commits. `result` is the summary so
    far: kept on the job if it fails half-way."""

    def __init__(self, job: Job):
        self.job = job
        self.result: dict | None = None

    def step(self, done: int = 1) -> None:
        self.job.progress_done += done
        self.job.heartbeat_at = now()
        db.session.commit()


def start(
    user,
    kind: str,
    params: dict,
    total: int,
    org: tuple[str, int | None],
    active_key: str | None,
    busy_message: Callable[[Job], str],
) -> Job:
    """A queued job (flushed, not committed). With `active_key`, a second job for the same key
    while one is queued or running is a 409 naming the running one."""
    if kind not in RUNNERS:
        raise LookupError(f"no runner registered for job kind {kind!r}")
    if active_key:
        reap_stale(active_key)
        holder = db.session.scalar(select(Job).where(Job.active_key == active_key)) if kind in ONE_TRANSACTION else None
        if holder is not None and liveness.gone(holder):
            reap_stale(job_id=holder.id, now_dead=True)
    job = Job(
        kind=kind,
        state="queued",
        params=params,
        progress_total=total,
        created_by_id=user.id,
        org_kind=org[0],
        org_id=org[1],
        active_key=active_key,
    )
    try:
        with db.session.begin_nested():  # the unique active_key decides a race; the session stays usable
            db.session.add(job)
            db.session.flush()
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        running = db.session.scalar(select(Job).where(Job.active_key == active_key))
        message = busy_message(running) if running else ""
        raise Conflict(message, {"job_id": [str(running.id if running else "")]}) from None
    return job


def launch(job_id: int) -> None:
    """After the commit that wrote the job: hand it to a worker, or run it here."""
    from pm_app.common.queues import enqueue, job_for, run_in_thread

    run_job = job_for(RUN_JOB)

    try:
        queued = enqueue(run_job, job_id)
    except Exception:  # run here and then (JOBS_MODE=sync) and failed: the job row says so already
        log.exception("job %s failed", job_id)
        return
    if not queued:
        # Redis is down: the work was asked for now, so it runs in this process rather than wait.
        run_in_thread(run_job, job_id)


def run(job_id: int) -> Job | None:
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == "queued")
        .values(state="running", started_at=now(), heartbeat_at=now())
        .execution_options(preserve_rowcount=True)
    ).rowcount
    db.session.commit()
    job = db.session.get(Job, job_id)
    if not claimed:
        return job  # already run, or reaped (an RQ retry, a second delivery): nothing twice
    progress = Progress(job)
    try:
        result = RUNNERS[job.kind](job, progress)
    except Refused as refusal:
        db.session.rollback()
        fail(job_id, refusal.message, refusal.result, quiet=True)
        return db.session.get(Job, job_id)
    except BaseException as error:  # a timeout (RQ's JobTimeoutException) too: never left "running"
        db.session.rollback()
        fail(job_id, error, progress.result)
        raise
    job.state, job.result, job.finished_at, job.active_key = "finished", result, now(), None
    db.session.commit()
    return job


def fail(job_id: int, error: BaseException | str, result: dict | None = None, quiet: bool = False) -> None:
    """Mark the job failed (in the session's fresh transaction, and commit); `quiet` for a refusal
    that is no fault of the product."""
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    (log.info if quiet else log.error)("job %s failed: %s", job_id, text)
    values = {"state": "failed", "error": text[:ERROR_MAX], "finished_at": now(), "active_key": None}
    if result is not None:
        values["result"] = result
    db.session.execute(update(Job).where(Job.id == job_id, Job.state.in_(ACTIVE)).values(**values))
    db.session.commit()


def is_stale(job: Job) -> bool:
    moment = now()
    if job.state == "running":
        return (job.heartbeat_at or job.started_at or job.created_at) < moment - STALE_RUNNING
    return job.state == "queued" and job.created_at < moment - STALE_QUEUED


def current(job: Job) -> Job:
    """The job as a reader should see it: failed if its process is gone (then committed). A read
    of a live job writes nothing, so polling it never waits on the job's own writes."""
    if is_stale(job):
        reap_stale(job_id=job.id)
        db.session.commit()
        db.session.refresh(job)
    elif job.kind in ONE_TRANSACTION and liveness.gone(job):
        reap_stale(job_id=job.id, now_dead=True)
        db.session.commit()
        db.session.refresh(job)
    return job


def reap_stale(active_key: str | None = None, job_id: int | None = None, now_dead: bool = False) -> None:
    """Mark failed the active jobs whose process is gone (see STALE_RUNNING, STALE_QUEUED), or,
    `now_dead`, the running job `job_id` whose lock says so (liveness.gone). Flushes only: the
    caller's transaction commits it."""
    moment = now()
    dead = ((Job.state == "running") & (Job.heartbeat_at < moment - STALE_RUNNING)) | (
        (Job.state == "queued") & (Job.created_at < moment - STALE_QUEUED)
    )
    if now_dead:
        dead = Job.state == "running"
    query = update(Job).where(dead)
    if active_key is not None:
        query = query.where(Job.active_key == active_key)
    if job_id is not None:
        query = query.where(Job.id == job_id)
    db.session.execute(
        query.values(
            state="failed",
            finished_at=moment,
            active_key=None,
            error="the job stopped reporting progress (its process ended)",
        ).execution_options(synchronize_session="fetch")
    )
