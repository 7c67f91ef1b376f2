"""`sweep_stale`: the alert about alerts. Users of alerting tools most often complain that
alerts silently stopped; a scheduled sweep that has not completed for 26 hours is itself an alert."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from pm_app.alerts.models import SweepRun
from pm_app.alerts.rules import Finding, alert_rule
from pm_app.alerts.schedule import scheduled_rules
from pm_app.extensions import db

STALE_AFTER_HOURS = 26


def last_successes() -> dict[str, datetime]:
    """When each rule last completed without error."""
    return dict(
        db.session.execute(
            select(SweepRun.rule, func.max(SweepRun.finished_at))
            .where(SweepRun.error.is_(None), SweepRun.finished_at.is_not(None))
            .group_by(SweepRun.rule)
        ).all()
    )


@alert_rule("sweep_stale", "A scheduled sweep has not completed for 26 hours")
def sweep_stale(_as_of: date, at: datetime) -> list[Finding]:
    cutoff = at - timedelta(hours=STALE_AFTER_HOURS)
    last_ok = last_successes()
    first_run = db.session.scalar(select(func.min(SweepRun.started_at)))
    if first_run is None or first_run > cutoff:
        return []  # a new installation: nothing has had 26 hours to go stale yet
    findings = []
    for rule in scheduled_rules():
        finished = last_ok.get(rule)
        if rule == "sweep_stale" or (finished is not None and finished >= cutoff):
            continue
        since = f"自 {finished:%Y-%m-%d %H:%M} UTC 起" if finished else "从未"
        findings.append(
            Finding(
                "sweep",
                0,
                f"定时任务 {rule} {since}未成功完成",
                severity="critical",
                stage=rule,
                audiences=(("admin", 0),),
            )
        )
    return findings
