"""Sweeps that vanished (a worker killed mid-sweep rolls the sweep back; a cron firing while
Redis was down enqueues nothing) run again at the next catch-up, ten minutes after they were due."""

from __future__ import annotations

from datetime import datetime, timedelta

from pm_app.alerts.catchup import last_due, missed_sweeps
from pm_app.alerts.models import SweepRun
from pm_app.common.clock import CITY_TZ, now
from pm_app.extensions import db
from tests.alerts.helpers import alerts, contract_ends_in

AT_0700 = datetime(2026, 6, 1, 7, 0, tzinfo=CITY_TZ)  # contract_expiring is due at 06:30


def _finished(rule: str, at: datetime, error: str | None = None) -> None:
    db.session.add(
        SweepRun(
            rule=rule,
            as_of=at.date(),
            trigger="cron",
            started_at=at - timedelta(seconds=5),
            finished_at=at,
            error=error,
        )
    )
    db.session.flush()


def test_last_due_time_leaves_a_grace_for_a_run_in_progress():
    assert last_due("30 6 * * *", AT_0700) == datetime(2026, 6, 1, 6, 30, tzinfo=CITY_TZ)
    # At 06:35 today's run may still be going: the due time judged is yesterday's.
    assert last_due("30 6 * * *", AT_0700.replace(hour=6, minute=35)) == datetime(2026, 5, 31, 6, 30, tzinfo=CITY_TZ)
    assert last_due("*/15 * * * *", AT_0700.replace(minute=3)) == datetime(2026, 6, 1, 6, 45, tzinfo=CITY_TZ)


def test_a_rule_without_a_finished_run_since_it_was_due_is_missed(app):
    _finished("contract_expiring", AT_0700.replace(day=31, month=5, minute=31, hour=6))  # yesterday's run only
    assert "contract_expiring" in missed_sweeps(AT_0700)
    _finished("contract_expiring", AT_0700.replace(minute=31, hour=6))  # today's finished
    assert "contract_expiring" not in missed_sweeps(AT_0700)


def test_a_failed_run_is_not_missed_rq_retries_it(app):
    _finished("contract_expiring", AT_0700.replace(minute=31, hour=6), error="RuntimeError: boom")
    assert "contract_expiring" not in missed_sweeps(AT_0700)


def test_the_catch_up_job_runs_the_vanished_sweeps_and_then_nothing(app, city):
    from jobs.alerts import catch_up_sweeps

    contract_ends_in(city.contract, 50, as_of=now().astimezone(CITY_TZ).date())
    db.session.commit()
    rerun = catch_up_sweeps(grace_minutes=0)  # a fresh database: every scheduled rule is missed
    assert "contract_expiring" in rerun and "ticket_overdue" in rerun
    assert [a.rule for a in alerts("contract_expiring")] == ["contract_expiring"]
    assert db.session.query(SweepRun).filter_by(trigger="catchup").count() == len(rerun)
    assert catch_up_sweeps(grace_minutes=0) == []
