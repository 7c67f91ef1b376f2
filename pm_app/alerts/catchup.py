"""Catching up on scheduled sweeps that vanished.

RQ runs a job at least once only while its worker lives: a worker killed mid-sweep (OOM, a
host restart) rolls the sweep's transaction back, and RQ notices the abandoned job only when its
registry entry expires (the job timeout plus a minute, then the next ten-minute maintenance).
A sweep the cron could not enqueue because Redis was down is not even abandoned: it never
existed. Sweeps are idempotent, so the cure is simple: every ten minutes, a rule whose latest
scheduled time is at least GRACE old and has no run recorded as finished since is run again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from croniter import croniter
from sqlalchemy import func, select

from pm_app.alerts.models import SweepRun
from pm_app.alerts.schedule import SCHEDULE
from pm_app.common.clock import CITY_TZ
from pm_app.extensions import db

# Longer than a sweep normally takes, so a run still in progress is rarely started a second time
# (which would be harmless: the second run opens nothing twice).
GRACE = timedelta(minutes=10)


def last_due(cron: str, at: datetime, grace: timedelta = GRACE) -> datetime:
    """The latest scheduled time of `cron` (Asia/Shanghai) that is at least `grace` before `at`."""
    return croniter(cron, (at - grace).astimezone(CITY_TZ)).get_prev(datetime)


def missed_sweeps(at: datetime, grace: timedelta = GRACE) -> list[str]:
    """Scheduled rules with no run finished (successfully or not) since their last due time.
    A failed run is not missed: RQ retries it and job health shows its error."""
    finished = dict(
        db.session.execute(
            select(SweepRun.rule, func.max(SweepRun.finished_at))
            .where(SweepRun.finished_at.is_not(None))
            .group_by(SweepRun.rule)
        ).all()
    )
    missed = []
    for entry in SCHEDULE:
        rule = entry.kwargs.get("rule")
        if rule is None:
            continue
        last = finished.get(rule)
        if last is None or last < last_due(entry.cron, at, grace):
            missed.append(rule)
    return missed
