"""How a job runs: on RQ when Redis is configured, otherwise in-process (a thread pool in the
server, or synchronously in tests). The job decorator gives every job the same defaults and
its own app context and transaction: a job commits once, at its end."""
from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import wraps

from flask import current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry

log = logging.getLogger(__name__)
_worker_app = None
_pool: ThreadPoolExecutor | None = None


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
                    log.exception("job %s failed after %.3f s", ids["job"], seconds,
                                  extra={**ids, "outcome": "failed", "seconds": seconds})
                    raise
                finally:
                    if owned:
                        db.session.remove()
                after_commit()
            seconds = round(time.perf_counter() - began, 3)
            log.info("job %s finished in %.3f s", ids["job"], seconds,
                     extra={**ids, "outcome": "finished", "seconds": seconds})
            return result

        run.queue = queue
        run.rq_options = {"job_timeout": timeout, "failure_ttl": failure_ttl,
                          "retry": Retry(max=retries, interval=[30, 120, 600][:retries]) if retries else None}
        run.delay = lambda *a, **kw: enqueue(run, *a, **kw)
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


def mode() -> str:
    return current_app.config.get("JOBS_MODE") or ("rq" if current_app.config.get("REDIS_URL") else "thread")


def redis_connection() -> Redis:
    """Short timeouts: a request must never hang on a dead Redis."""
    ext = current_app.extensions
    if "pm_redis" not in ext:
        ext["pm_redis"] = Redis.from_url(current_app.config["REDIS_URL"], socket_connect_timeout=0.5,
                                         socket_timeout=2, health_check_interval=30)
    return ext["pm_redis"]


def enqueue(run, *args, **kwargs) -> bool:
    """Queue a job; False when Redis is unreachable (the outbox keeps the work for later)."""
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
        Queue(run.queue, connection=redis_connection()).enqueue(run, *args, **kwargs, **options)
        return True
    except RedisError as exc:
        log.warning("Redis unavailable, %s stays in the outbox: %s", run.__name__, exc)
        return False


def run_in_thread(run, *args, **kwargs) -> None:
    """Run a job on this process's pool whatever the mode (Redis was down when it was asked for)."""
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
