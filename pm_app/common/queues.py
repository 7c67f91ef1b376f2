"""Queue names, in one place, and how a job is handed over: on RQ when Redis is configured,
otherwise in-process (a thread pool in the server, or synchronously in tests).

The app names a job by its dotted path (`jobs.alerts.relay_outbox`), the same string RQ stores
with every queued job, and never imports the worker package `jobs/`, which imports the app.
A job's path is therefore an interface: renaming one strands the jobs already queued under it."""

from __future__ import annotations

import importlib
import logging
from concurrent.futures import ThreadPoolExecutor

from flask import current_app
from redis.exceptions import RedisError
from rq import Queue

from pm_app.extensions import redis_client

QUEUE_SWEEPS = "sweeps"  # the scheduled rule sweeps
QUEUE_DELIVERY = "delivery"  # outbox relay and sending
QUEUE_DEFAULT = "default"  # imports, bulk generation and other long work

ALL_QUEUES = (QUEUE_DELIVERY, QUEUE_SWEEPS, QUEUE_DEFAULT)  # a worker drains them in this order

log = logging.getLogger(__name__)
_pool: ThreadPoolExecutor | None = None


def job_for(path: str):
    """The job function at a dotted path (`jobs.alerts.sweep`), as RQ would import it."""
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def mode() -> str:
    return current_app.config.get("JOBS_MODE") or ("rq" if current_app.config.get("REDIS_URL") else "thread")


def enqueue(run, *args, **kwargs) -> bool:
    """Queue a job (the function or its dotted path); False when Redis is unreachable (the outbox
    keeps the work for later)."""
    run = job_for(run) if isinstance(run, str) else run
    how = mode()
    if how == "sync":
        run(*args, **kwargs)
        return True
    if how == "thread":
        app = current_app._get_current_object()
        _thread_pool().submit(_run_in_app, app, run, args, kwargs)
        return True
    options = {k: v for k, v in run.rq_options.items() if v is not None}
    try:
        Queue(run.queue, connection=redis_client.connection()).enqueue(run, *args, **kwargs, **options)
        return True
    except RedisError as exc:
        log.warning("Redis unavailable, %s stays in the outbox: %s", run.__name__, exc)
        return False


def run_in_thread(run, *args, **kwargs) -> None:
    """Run a job on this process's pool whatever the mode (Redis was down when it was asked for)."""
    run = job_for(run) if isinstance(run, str) else run
    _thread_pool().submit(_run_in_app, current_app._get_current_object(), run, args, kwargs)


def _thread_pool() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pm-job")
    return _pool


def _run_in_app(app, run, args, kwargs):
    with app.app_context():
        try:
            run(*args, **kwargs)
        except Exception:
            log.exception("in-process job %s failed", run.__name__)
        finally:
            from pm_app.extensions import db

            db.session.remove()
