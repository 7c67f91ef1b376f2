"""Thin jobs of the alerts domain: they take names and ids and call services."""
from __future__ import annotations

from datetime import date

from jobs.queues import QUEUE_DELIVERY, QUEUE_SWEEPS
from jobs.runtime import job
from pm_app.alerts import outbox
from pm_app.alerts.sweeps import run_rule
from pm_app.common.clock import today
from pm_app.extensions import db


@job(QUEUE_SWEEPS, timeout=1800, retries=2)  # idempotent: a retry opens nothing twice
def sweep(rule: str, as_of: str | None = None, trigger: str = "cron"):
    result = run_rule(rule, date.fromisoformat(as_of) if as_of else today(), trigger=trigger)
    return {"opened": result.opened, "resolved": result.resolved}


@job(QUEUE_DELIVERY, timeout=120)
def relay_outbox():
    ids = outbox.due_deliveries()
    db.session.commit()  # the stuck-delivery bookkeeping, before the jobs start
    for delivery_id in ids:
        deliver.delay(delivery_id)
    return len(ids)


@job(QUEUE_DELIVERY, timeout=120)
def deliver(delivery_id: int):
    if not outbox.claim(delivery_id):
        return "skipped"
    db.session.commit()  # the claim is durable before anything leaves: at most once
    return outbox.send_claimed(delivery_id)
