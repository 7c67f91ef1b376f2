"""Job wiring: the schedule's time-zone conversion, the CLI, RQ queues (fakeredis and the real
Redis when CI provides it), Redis down, and the sweep that watches the sweeps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from croniter import croniter

from pm_app.alerts.models import Delivery, SweepRun
from pm_app.alerts.schedule import SCHEDULE, scheduled_rules, to_utc_crons
from pm_app.common.clock import CITY_TZ, now
from pm_app.extensions import db
from tests.alerts.helpers import alerts, contract_ends_in, sweep


@pytest.mark.parametrize(
    "local,utc",
    [
        ("30 6 * * *", ["30 22 * * *"]),  # 06:30 Shanghai is 22:30 UTC the day before
        ("0 9 * * *", ["0 1 * * *"]),
        ("15 * * * *", ["15 * * * *"]),
        ("0 7 * * 1", ["0 23 * * 0"]),  # Monday 07:00 Shanghai = Sunday 23:00 UTC
        ("0 7,20 * * 1-5", ["0 12 * * 1-5", "0 23 * * 0,1,2,3,4"]),
        ("0 0 * * 0", ["0 16 * * 6"]),
    ],
)
def test_local_schedule_converts_to_utc(local, utc):
    assert to_utc_crons(local) == utc


@pytest.mark.parametrize("entry", SCHEDULE, ids=lambda e: e.name)
def test_each_schedule_entry_fires_at_the_same_instant_in_both_zones(entry):
    start = datetime(2026, 3, 1, 12, 0, tzinfo=CITY_TZ)
    local_next = croniter(entry.cron, start).get_next(datetime)
    utc_next = min(croniter(c, start.astimezone(UTC)).get_next(datetime) for c in to_utc_crons(entry.cron))
    assert local_next == utc_next


def test_day_of_month_across_midnight_is_refused():
    with pytest.raises(ValueError, match="day-of-month"):
        to_utc_crons("0 3 1 * *")


def test_cli_sweep_opens_then_opens_nothing(app, city):
    as_of = contract_ends_in(city.contract, 80)
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["sweep", "--as-of", str(as_of), "--rule", "contract_expiring"])
    assert first.exit_code == 0, first.output
    assert "contract_expiring" in first.output and "opened 1" in first.output
    second = runner.invoke(args=["sweep", "--as-of", str(as_of)])
    assert "opened 0" in second.output and "opened 1" not in second.output
    bad = runner.invoke(args=["sweep", "--rule", "nope"])
    assert bad.exit_code != 0 and "unknown rule" in bad.output


def test_jobs_go_to_their_queue_with_shared_defaults(app, city, monkeypatch):
    import fakeredis
    from rq import Queue, SimpleWorker

    from jobs import alerts as alert_jobs

    fake = fakeredis.FakeRedis()
    monkeypatch.setitem(app.config, "JOBS_MODE", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://fake")
    monkeypatch.setitem(app.extensions, "pm_redis", fake)
    as_of = contract_ends_in(city.contract, 50)
    assert alert_jobs.sweep.delay("contract_expiring", as_of.isoformat(), trigger="test")
    queue = Queue("sweeps", connection=fake)
    [job] = queue.get_jobs()
    assert job.func_name == "jobs.alerts.sweep" and job.timeout == 1800 and job.retries_left == 2
    SimpleWorker([queue], connection=fake).work(burst=True)
    assert [a.rule for a in alerts()] == ["contract_expiring"]


@pytest.mark.skipif(
    "not config.getoption('--redis', default=None) and not __import__('os').environ.get('REDIS_URL')",
    reason="real Redis runs in CI (REDIS_URL)",
)
def test_a_real_worker_on_real_redis_runs_the_sweep_in_burst_mode(app, city, monkeypatch):
    from redis import Redis
    from rq import Queue, SimpleWorker

    from jobs import alerts as alert_jobs
    from pm_app.common.queues import ALL_QUEUES

    url = app.config["REDIS_URL"] or __import__("os").environ["REDIS_URL"]
    connection = Redis.from_url(url)
    for name in ALL_QUEUES:
        Queue(name, connection=connection).empty()
    monkeypatch.setitem(app.config, "JOBS_MODE", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    app.extensions.pop("pm_redis", None)
    as_of = contract_ends_in(city.contract, 50)
    alert_jobs.sweep.delay("contract_expiring", as_of.isoformat())
    alert_jobs.sweep.delay("contract_expiring", as_of.isoformat())  # a second scheduler by mistake
    SimpleWorker([Queue(q, connection=connection) for q in ALL_QUEUES], connection=connection).work(burst=True)
    assert len(alerts("contract_expiring")) == 1
    assert db.session.query(SweepRun).filter_by(rule="contract_expiring").count() == 2
    app.extensions.pop("pm_redis", None)


def test_with_redis_down_the_change_commits_and_the_delivery_waits(app, city, webhook_server, monkeypatch):
    from jobs.runtime import after_commit
    from pm_app.alerts.services import save_endpoint

    save_endpoint(
        {
            "audience": "street",
            "org_id": city.street.id,
            "channel": "webhook",
            "target": webhook_server.url,
            "format": "json",
            "active": True,
        }
    )
    monkeypatch.setitem(app.config, "JOBS_MODE", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    app.extensions.pop("pm_redis", None)
    started = now()
    sweep("contract_expiring", contract_ends_in(city.contract, 50))
    after_commit()
    assert (now() - started).total_seconds() < 5  # short timeouts: no hanging on a dead Redis
    [delivery] = db.session.query(Delivery).filter_by(channel="webhook").all()
    assert delivery.state == "pending" and webhook_server.received == []
    # Redis is back (here: jobs run in-process); the relay's next run sends it, once.
    app.extensions.pop("pm_redis", None)
    monkeypatch.setitem(app.config, "JOBS_MODE", "sync")
    from jobs.alerts import relay_outbox

    relay_outbox()
    relay_outbox()
    db.session.refresh(delivery)
    assert delivery.state == "sent" and len(webhook_server.received) == 1


def test_sweep_stale_after_26_hours_without_a_completed_run(app, city):
    from pm_app.alerts.sweeps import run_rule

    watched = sorted(r for r in scheduled_rules() if r != "sweep_stale")  # grows as domains add rules
    long_ago = now() - timedelta(hours=27)
    for rule in watched:
        db.session.add(
            SweepRun(rule=rule, as_of=date.today(), trigger="cron", started_at=long_ago, finished_at=long_ago)
        )
    db.session.flush()
    run_rule("sweep_stale", date.today())
    stale = alerts("sweep_stale")
    assert sorted(a.stage for a in stale) == watched
    assert {"compound_unmanaged", "contract_expiring"} <= set(watched)
    assert all(a.recipients[0].audience == "admin" for a in stale)
    # The cron comes back: the rules run, and the stale alerts resolve.
    for rule in watched:
        run_rule(rule, date.today())
    run_rule("sweep_stale", date.today())
    assert {a.state for a in alerts("sweep_stale")} == {"resolved"}


def test_a_fresh_installation_is_not_stale(app, city):
    from pm_app.alerts.sweeps import run_rule

    assert run_rule("sweep_stale", date.today()).opened == 0


def test_a_failing_rule_records_its_error(app, city, monkeypatch):
    from pm_app.alerts import rules
    from pm_app.alerts.sweeps import run_rule

    def broken(_as_of, _at):
        raise RuntimeError("boom")

    monkeypatch.setitem(rules.RULES, "contract_expiring", rules.Rule("contract_expiring", broken, "x"))
    with pytest.raises(RuntimeError):
        run_rule("contract_expiring", date.today())
    run = db.session.query(SweepRun).filter(SweepRun.error.is_not(None)).one()
    assert "boom" in run.error


def test_local_scheduler_finds_due_entries():
    from pm_app.alerts.local_cron import due_entries

    before = datetime(2026, 3, 1, 6, 29, 50, tzinfo=CITY_TZ)
    names = {e.name for e in due_entries(before, before + timedelta(seconds=20))}
    assert names == {"relay_outbox", "sweep_contract_expiring", "sweep_ticket_overdue"}  # 06:30: also a quarter


def test_worker_and_cron_outlive_a_redis_outage():
    from redis.exceptions import ConnectionError as RedisConnectionError

    from pm_app.job_commands import outlive_redis_outages

    calls, waits = [], []

    def run():
        calls.append(1)
        if len(calls) < 6:
            raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        return "served"

    assert outlive_redis_outages(run, "worker", sleep=waits.append) == "served"
    assert waits == [1, 2, 4, 8, 10]  # backoff, capped: back within 10 s of Redis returning
