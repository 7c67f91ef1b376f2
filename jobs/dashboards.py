"""Thin jobs of the homes."""

from __future__ import annotations

from datetime import date

from jobs.runtime import job
from pm_app.common.clock import now, today
from pm_app.common.queues import QUEUE_SWEEPS
from pm_app.dashboards import snapshot


@job(QUEUE_SWEEPS, timeout=1800, retries=2)  # idempotent: each run replaces the last one's scores
def snapshot_health(as_of: str | None = None):
    return {"scored": snapshot.take(date.fromisoformat(as_of) if as_of else today(), now())}
