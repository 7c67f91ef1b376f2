"""Job health: the last run of every sweep, the outbox backlog, failed deliveries and jobs."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from redis.exceptions import RedisError
from rq import Queue
from sqlalchemy import func, select

from pm_app.alerts.models import Delivery, SweepRun
from pm_app.alerts.rules import RULES
from pm_app.alerts.schedule import SCHEDULE, scheduled_rules
from pm_app.alerts.stale import STALE_AFTER_HOURS, last_successes
from pm_app.common.clock import now
from pm_app.common.queues import ALL_QUEUES, mode
from pm_app.extensions import db, redis_client


def job_health() -> dict:
    cutoff = now() - timedelta(hours=STALE_AFTER_HOURS)
    crons = {e.kwargs.get("rule"): e.cron for e in SCHEDULE}
    latest = {
        run.rule: run
        for run in db.session.scalars(
            select(SweepRun).where(SweepRun.id.in_(select(func.max(SweepRun.id)).group_by(SweepRun.rule)))
        )
    }
    last_ok = last_successes()
    sweeps = []
    for rule in sorted(RULES):
        run, ok = latest.get(rule), last_ok.get(rule)
        sweeps.append(
            {
                "rule": rule,
                "schedule": crons.get(rule),
                "last_started_at": run.started_at if run else None,
                "last_finished_at": run.finished_at if run else None,
                "last_ok_at": ok,
                "last_error": run.error if run else None,
                "opened": run.opened if run else None,
                "resolved": run.resolved if run else None,
                "stale": rule in scheduled_rules() and (ok is None or ok < cutoff),
            }
        )
    backlog = dict(db.session.execute(select(Delivery.state, func.count()).group_by(Delivery.state)).all())
    failed = db.session.execute(
        select(Delivery.id, Delivery.alert_id, Delivery.channel, Delivery.attempts, Delivery.last_error)
        .where(Delivery.state == "failed")
        .order_by(Delivery.id.desc())
        .limit(20)
    ).all()
    redis_state, failed_jobs = _redis_state()
    return {
        "mode": mode(),
        "redis": redis_state,
        "sweeps": sweeps,
        "outbox": backlog,
        "failed_deliveries": [row._asdict() for row in failed],
        "failed_jobs": failed_jobs,
    }


def _redis_state() -> tuple[str, int | None]:
    if not current_app.config.get("REDIS_URL"):
        return "not configured (jobs run in-process)", None
    try:
        connection = redis_client.connection()
        connection.ping()
        return "up", sum(Queue(q, connection=connection).failed_job_registry.count for q in ALL_QUEUES)
    except RedisError as exc:
        return f"down: {exc}", None
