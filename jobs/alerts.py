"""Thin jobs of the alerts domain: they take names and ids and call services."""

from __future__ import annotations

from datetime import date, timedelta

from jobs.runtime import job
from pm_app.alerts import catchup, digest, outbox
from pm_app.alerts.sweeps import run_rule
from pm_app.common.clock import now, today
from pm_app.common.queues import QUEUE_DELIVERY, QUEUE_SWEEPS
from pm_app.extensions import db


@job(QUEUE_SWEEPS, timeout=1800, retries=2)  # idempotent: a retry opens nothing twice
def sweep(rule: str, as_of: str | None = None, trigger: str = "cron"):
    result = run_rule(rule, date.fromisoformat(as_of) if as_of else today(), trigger=trigger)
    return {"opened": result.opened, "resolved": result.resolved}


@job(QUEUE_SWEEPS, timeout=120)
def catch_up_sweeps(grace_minutes: int | None = None):
    """Run again the scheduled sweeps whose last due run never finished (pm_app/alerts/catchup.py)."""
    grace = catchup.GRACE if grace_minutes is None else timedelta(minutes=grace_minutes)
    rules = catchup.missed_sweeps(now(), grace)
    for rule in rules:
        sweep.delay(rule, trigger="catchup")
    return rules


@job(QUEUE_DELIVERY, timeout=120)
def relay_outbox():
    handed, after = 0, 0
    while handed < outbox.RELAY_MAX:
        ids = outbox.due_deliveries(after_id=after)
        db.session.commit()  # the stuck-delivery bookkeeping, before the jobs start
        for delivery_id in ids:
            if not deliver.delay(delivery_id):
                return handed  # Redis went away again: the rows stay pending for the next run
            handed += 1
        if len(ids) < outbox.BATCH:
            break
        after = ids[-1]
    return handed


@job(QUEUE_DELIVERY, timeout=120)
def deliver(delivery_id: int):
    if not outbox.claim(delivery_id):
        return "skipped"
    db.session.commit()  # the claim is durable before anything leaves: at most once
    return outbox.send_claimed(delivery_id)


@job(QUEUE_DELIVERY, timeout=600)
def send_digests():
    """Once a day: each daily-digest endpoint's held alerts as one message (pm_app/alerts/digest.py)."""
    sent = {}
    for endpoint_id in digest.endpoints_due():
        ids = digest.claim(endpoint_id)
        db.session.commit()  # claimed before anything leaves: at most once, as for single deliveries
        if ids:
            sent[endpoint_id] = digest.send(endpoint_id, ids)
            db.session.commit()
    return sent
