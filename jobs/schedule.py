"""Moved to pm_app/alerts/schedule.py, beside the rules that read it; these names stay for code
written before the move."""

from pm_app.alerts.schedule import CITY_UTC_OFFSET_HOURS, SCHEDULE, Entry, scheduled_rules, to_utc_crons

__all__ = ["CITY_UTC_OFFSET_HOURS", "SCHEDULE", "Entry", "scheduled_rules", "to_utc_crons"]
