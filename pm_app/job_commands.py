"""`pm-app sweep`, `pm-app post-fee-income`, `pm-app worker`, `pm-app cron`: the commands that run
jobs. They name jobs by dotted path (pm_app/alerts/schedule.py) and never import the worker
package `jobs/`; RQ imports it in the worker."""

from __future__ import annotations

import time
from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("sweep")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="sweep date (default: today in Asia/Shanghai)")
@click.option("--rule", "rules", multiple=True, help="run only this rule (repeatable)")
@with_appcontext
def sweep_command(as_of, rules):
    """Run the alert rules now, synchronously, and print what they opened and resolved."""
    from pm_app.alerts.outbox import kick_if_dirty
    from pm_app.alerts.rules import RULES
    from pm_app.alerts.sweeps import run_rule
    from pm_app.common.clock import today
    from pm_app.extensions import db

    unknown = set(rules) - set(RULES)
    if unknown:
        raise click.BadParameter(
            f"unknown rule(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(RULES))}", param_hint="--rule"
        )
    day: date = as_of.date() if as_of else today()
    for name in rules or sorted(RULES):
        result = run_rule(name, day, trigger="cli")
        db.session.commit()
        click.echo(f"{name:24} as of {day}: opened {result.opened}, resolved {result.resolved}")
    if not rules:  # the whole morning run: its last step scores the compounds for the province's home
        from pm_app.common.clock import now
        from pm_app.dashboards import snapshot

        scored = snapshot.take(day, now())
        db.session.commit()
        click.echo(f"{'compound health':24} as of {day}: {scored} compounds scored")
    kick_if_dirty()  # the deliveries of what the sweeps opened, as after a request


@click.command("post-fee-income")
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    help="post the months closed before this day's month (default: today in Asia/Shanghai)",
)
@with_appcontext
def post_fee_income_command(as_of):
    """Post the fees received of every closed month to each compound's books (what they still lack)."""
    from pm_app.committees.fee_books import post_fee_income
    from pm_app.common.money import fen_to_yuan
    from pm_app.extensions import db

    result = post_fee_income(as_of.date() if as_of else None)
    db.session.commit()
    for posted in result.posted:
        click.echo(
            f"compound {posted.compound_id} {posted.month}: {fen_to_yuan(posted.amount_fen)} (version {posted.version})"
        )
    click.echo(f"{result.months} closed months checked, {len(result.posted)} entries posted")


@click.command("worker")
@click.option("--burst", is_flag=True, help="stop when the queues are empty")
@click.option("--queue", "queues", multiple=True, help="queues to drain (default: all, delivery first)")
def worker_command(burst, queues):
    """Run an RQ worker (with RQ's scheduler on) for the sweeps and deliveries."""
    from rq import Queue, SimpleWorker

    from pm_app.common.queues import ALL_QUEUES
    from pm_app.extensions import redis_client

    app = _app_with_redis()
    with app.app_context():
        connection = redis_client.connection()

    def work():
        # SimpleWorker: jobs run in this process, each in its own app context and transaction, so
        # no database connection is ever shared across a fork.
        worker = SimpleWorker([Queue(q, connection=connection) for q in (queues or ALL_QUEUES)], connection=connection)
        worker.work(burst=burst, with_scheduler=True)

    outlive_redis_outages(work, "worker")


@click.command("cron")
def cron_command():
    """Run the schedule (pm_app/alerts/schedule.py, Asia/Shanghai) with RQ's cron, which runs in UTC."""
    from rq.cron import CronScheduler

    from pm_app.alerts.schedule import SCHEDULE, to_utc_crons
    from pm_app.common.queues import job_for
    from pm_app.extensions import redis_client

    app = _app_with_redis()
    with app.app_context():
        connection = redis_client.connection()
    shown = []

    def run():
        scheduler = CronScheduler(connection=connection)
        for entry in SCHEDULE:
            job = job_for(entry.job)
            for utc in to_utc_crons(entry.cron):
                scheduler.register(
                    job,
                    job.queue,
                    kwargs=entry.kwargs,
                    cron=utc,
                    name=f"{entry.name}@{utc}",
                    job_timeout=job.rq_options["job_timeout"],
                )
                if not shown:
                    click.echo(f"{entry.name:28} {entry.cron:14} Asia/Shanghai = {utc:14} UTC")
        shown.append(True)
        scheduler.start()

    outlive_redis_outages(run, "cron")


def outlive_redis_outages(run, what: str, sleep=time.sleep, max_wait: float = 10.0):
    """Run an RQ loop, and run it again when Redis goes away instead of dying with it.

    RQ's worker and cron scheduler raise ConnectionError when Redis stops; a process manager
    would restart them, but `pm-app worker &` has none, and deliveries must go out within two
    minutes of Redis returning. Waits grow 1, 2, 4 … up to `max_wait` seconds; firings the cron
    missed meanwhile are made up by the relay (every minute) and the sweep catch-up."""
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    wait = 1.0
    while True:
        started = time.monotonic()
        try:
            return run()
        except (RedisConnectionError, RedisTimeoutError) as exc:
            if time.monotonic() - started > 60:
                wait = 1.0  # it ran a good while: a new outage, start the backoff again
            click.echo(f"{what}: Redis unreachable ({exc}); trying again in {wait:.0f} s", err=True)
            sleep(wait)
            wait = min(wait * 2, max_wait)


def _app_with_redis():
    app = current_app._get_current_object() if current_app else None
    if app is None or not app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set: without Redis, `pm-app demo` runs jobs in-process")
    return app
