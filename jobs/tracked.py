"""The one thin job behind every tracked job (pm_app/jobs/services.py): it takes the job's id."""

from __future__ import annotations

from jobs.runtime import job
from pm_app.common.queues import QUEUE_DEFAULT
from pm_app.jobs import services


@job(QUEUE_DEFAULT, timeout=3 * 3600)  # a city's compounds, one commit each; not retried: it reports progress
def run_job(job_id: int):
    finished = services.run(job_id)
    return finished.state if finished else None
