"""`GET /metrics` in Prometheus' text format (prometheus_client, the reference client library).

Two kinds of figures:
- request latency, counted as requests are answered: a histogram per endpoint *name* (the
  route's, not the path's: /bills/1 and /bills/2 are one series) and method, with the status class;
- the state of the work behind the pages, read from the database and Redis at scrape time (one
  query each, a scrape every 15–60 s costs nothing): the outbox by state, tracked jobs by state,
  RQ's queues and failed jobs, and how long ago each scheduled sweep last succeeded.

Under gunicorn each worker process counts its own requests; with PROMETHEUS_MULTIPROC_DIR set
(an empty folder, cleared at each start; deploy/README.md) the scrape adds up every worker's.
Only the addresses in PM_APP_METRICS_ALLOW may read it; anyone else gets the 404 of a page that
does not exist.
"""

from __future__ import annotations

import ipaddress
import os
import time

from flask import current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from pm_app.common.clock import now
from pm_app.extensions import db

REQUESTS = Histogram(
    "pm_app_http_request_duration_seconds",
    "Time to answer a request, by endpoint",
    ("endpoint", "method", "status"),
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5, 10, 30, 60),
)


def started() -> None:
    g._metrics_started = time.perf_counter()


def answered(response):
    began = g.pop("_metrics_started", None)
    if began is not None:
        endpoint = request.url_rule.endpoint if request.url_rule else "unmatched"
        REQUESTS.labels(endpoint, request.method, f"{response.status_code // 100}xx").observe(
            time.perf_counter() - began
        )
    return response


def allowed(address: str | None) -> bool:
    networks = current_app.config["METRICS_ALLOW"]
    try:
        return any(ipaddress.ip_address(address or "") in network for network in networks)
    except ValueError:
        return False


def exposition() -> tuple[bytes, str]:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
    registry.register(WorkCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


class WorkCollector:
    """What is waiting or stuck, read when scraped (under the scrape's own app context)."""

    def collect(self):
        from pm_app.alerts.models import Delivery
        from pm_app.alerts.stale import last_successes
        from pm_app.jobs.models import Job

        outbox = GaugeMetricFamily("pm_app_outbox_deliveries", "Outbox deliveries by state", labels=("state",))
        for state, count in db.session.execute(select(Delivery.state, func.count()).group_by(Delivery.state)):
            outbox.add_metric((state,), count)
        yield outbox
        jobs = GaugeMetricFamily("pm_app_jobs", "Tracked jobs (imports, bulk bills) by state", labels=("state",))
        for state, count in db.session.execute(select(Job.state, func.count()).group_by(Job.state)):
            jobs.add_metric((state,), count)
        yield jobs
        age = GaugeMetricFamily(
            "pm_app_sweep_last_success_age_seconds", "Seconds since each alert sweep last succeeded", labels=("rule",)
        )
        moment = now()
        for rule, at in sorted(last_successes().items()):
            if at is not None:
                age.add_metric((rule,), (moment - at).total_seconds())
        yield age
        yield from _queues()


def _queues():
    if not current_app.config.get("REDIS_URL"):
        return
    from redis.exceptions import RedisError
    from rq import Queue

    from pm_app.common.queues import ALL_QUEUES
    from pm_app.extensions import redis_client

    depth = GaugeMetricFamily("pm_app_queue_depth", "Jobs waiting in each RQ queue", labels=("queue",))
    failed = GaugeMetricFamily("pm_app_queue_failed_jobs", "Jobs in each RQ queue's failed registry", labels=("queue",))
    try:
        connection = redis_client.connection()
        for name in ALL_QUEUES:
            queue = Queue(name, connection=connection)
            depth.add_metric((name,), queue.count)
            failed.add_metric((name,), queue.failed_job_registry.count)
    except RedisError:
        return  # /readyz says Redis is down; the metrics simply lack the queues
    yield depth
    yield failed
