"""How a job runs. The job decorator gives every job the same defaults and its own app context
and transaction: a job commits once, at its end. How it is queued (RQ or in-process) is the
app's business: pm_app/common/queues.py."""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from functools import wraps

from flask import has_app_context
from rq import Retry

from pm_app.common import queues
from pm_app.extensions import redis_client

log = logging.getLogger(__name__)
_worker_app = None


def job(queue: str, *, timeout: int = 600, failure_ttl: int = 7 * 24 * 3600, retries: int = 0):
    """Mark a thin job function. `retries` only for idempotent jobs: a retry must not double anything."""

    def decorator(fn):
        @wraps(fn)
        def run(*args, **kwargs):
            from pm_app.extensions import db

            began, ids = time.perf_counter(), _ids(fn)
            log.info("job %s started", ids["job"], extra=ids)
            with _app_context() as owned:
                try:
                    result = fn(*args, **kwargs)
                    db.session.commit()
                except Exception:
                    db.session.rollback()
                    seconds = round(time.perf_counter() - began, 3)
                    log.exception(
                        "job %s failed after %.3f s",
                        ids["job"],
                        seconds,
                        extra={**ids, "outcome": "failed", "seconds": seconds},
                    )
                    raise
                finally:
                    if owned:
                        db.session.remove()
                after_commit()
            seconds = round(time.perf_counter() - began, 3)
            log.info(
                "job %s finished in %.3f s",
                ids["job"],
                seconds,
                extra={**ids, "outcome": "finished", "seconds": seconds},
            )
            return result

        run.queue = queue
        run.rq_options = {
            "job_timeout": timeout,
            "failure_ttl": failure_ttl,
            "retry": Retry(max=retries, interval=[30, 120, 600][:retries]) if retries else None,
        }
        run.delay = lambda *a, **kw: queues.enqueue(run, *a, **kw)
        return run

    return decorator


def _ids(fn) -> dict:
    """The job's name and, on RQ, its id: what its log lines are found by."""
    from rq import get_current_job

    current = get_current_job()
    return {"job": f"{fn.__module__}.{fn.__qualname__}", "job_id": current.id if current else "-"}


@contextmanager
def _app_context():
    if has_app_context():
        yield False
        return
    global _worker_app
    if _worker_app is None:  # an RQ worker process: one app, built on first use
        from pm_app import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        yield True


def after_commit() -> None:
    """Send what the committed transaction put in the outbox."""
    from pm_app.alerts.outbox import kick_if_dirty

    kick_if_dirty()


# The names below moved to the app (pm_app/common/queues.py, redis_client.py); they stay for code
# written before, and look the new ones up at each call, so a test that replaces one replaces both.
def mode() -> str:
    return queues.mode()


def enqueue(run, *args, **kwargs) -> bool:
    return queues.enqueue(run, *args, **kwargs)


def run_in_thread(run, *args, **kwargs) -> None:
    queues.run_in_thread(run, *args, **kwargs)


def redis_connection():
    return redis_client.connection()
