"""Thin jobs of the compound's books."""

from __future__ import annotations

from datetime import date

from jobs.runtime import job
from pm_app.committees import fee_books
from pm_app.common.queues import QUEUE_SWEEPS


@job(QUEUE_SWEEPS, timeout=1800, retries=2)  # idempotent: it posts only what the books still lack
def post_fee_income(as_of: str | None = None):
    result = fee_books.post_fee_income(date.fromisoformat(as_of) if as_of else None)
    return {"months": result.months, "posted": len(result.posted)}
