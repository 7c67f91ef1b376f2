"""Moved to pm_app/alerts/local_cron.py, beside the schedule it runs; these names stay for code
written before the move."""

from pm_app.alerts.local_cron import due_entries, start
from pm_app.common.queues import job_for

__all__ = ["due_entries", "job_for", "start"]
