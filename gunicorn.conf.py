"""gunicorn settings for an app machine: `gunicorn 'pm_app:create_app()'` from the repository folder
reads this file by itself. Why these numbers: docs/scaling.md ("App machines").

This is the server's configuration, not the app's, so it reads its own few environment variables
(PM_APP_BIND, PM_APP_WEB_WORKERS, PM_APP_WEB_WORKER_CLASS, PM_APP_WEB_THREADS); the app's settings
stay in pm_app/config.py.
"""

import multiprocessing
import os

bind = os.environ.get("PM_APP_BIND", "127.0.0.1:8000")
# Requests spend much of their time waiting on PostgreSQL, so more processes than cores keep the
# cores busy: gunicorn's own rule of thumb, 2 × cores + 1 (5 on a 2-core machine).
workers = int(os.environ.get("PM_APP_WEB_WORKERS") or 2 * multiprocessing.cpu_count() + 1)
# Sync workers: one request per process at a time, no thread-safety questions, and a slow request
# cannot starve others inside the same process. gthread is the alternative measured in
# docs/scaling.md; set PM_APP_WEB_WORKER_CLASS=gthread and PM_APP_WEB_THREADS to try it.
worker_class = os.environ.get("PM_APP_WEB_WORKER_CLASS", "sync")
threads = int(os.environ.get("PM_APP_WEB_THREADS", "4")) if worker_class == "gthread" else 1
# A city-wide export or as-of collection rate can take several seconds; 60 s is the ceiling.
timeout = 60
graceful_timeout = 30
keepalive = 5
# Restart each worker now and then, with jitter so they do not all restart together: bounds any slow
# growth of memory in a long-running process.
max_requests = 5000
max_requests_jitter = 500
# Build the app once in the master and fork it: faster start, shared memory pages. The database
# pool is created lazily on first use, so no connection crosses the fork.
preload_app = True
# The access log to stderr (the journal under systemd), each line ending with the request id the
# app answered with (the proxy's X-Request-ID, or one the app made), as the app's own lines carry.
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" id=%({x-request-id}o)s'
errorlog = "-"


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR set (deploy/systemd/changxiao-web.service), /metrics adds up
    every worker's counts from files in that folder; a worker that exits must say so, or its live
    gauges would be read forever (pm_app/ops/metrics.py)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
