"""worker-kill: SIGKILL the RQ worker while it runs a sweep or a delivery job, restart it, again
and again; then let the product recover (the catch-up of vanished sweeps, the relay of pending
deliveries) and compare with the same sweeps run once without faults on a copy of the same data."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter

from redis import Redis
from rq import Queue, Retry
from services import ROOT
from world import Sink, add_webhooks, pm_app, query, wait_until

sys.path.insert(0, str(ROOT))
from pm_app.alerts.schedule import scheduled_rules  # noqa: E402
from pm_app.common.queues import ALL_QUEUES  # noqa: E402

# What cron would enqueue: every scheduled sweep and the outbox relay.
SWEEP_OPTIONS = {"job_timeout": 1800, "retry": Retry(max=2, interval=[30, 120])}


class WorkerProcess:
    def __init__(self, url, redis_url, instance, log):
        self.args = (url, redis_url, instance, log)
        self.process: subprocess.Popen | None = None
        self.redis = Redis.from_url(redis_url)
        self.key: str | None = None
        self.groups: set[int] = set()

    def start(self):
        url, redis_url, instance, log = self.args
        self.process = pm_app("worker", database_url=url, redis_url=redis_url, instance=instance, log=log)
        self.groups.add(self.process.pid)  # its own session: RQ's scheduler child outlives a killed worker
        self.key = None
        wait_until(self._find_key, 30, 0.05)

    def _find_key(self) -> bool:
        for key in self.redis.smembers("rq:workers"):
            if self.redis.hget(key, "pid") == str(self.process.pid).encode():
                self.key = key.decode()
                return True
        return False

    def current_job(self) -> tuple[str, str] | None:
        """(job id, function name) of the job the worker runs now, or None when idle."""
        job_id = self.redis.hget(self.key, "current_job") if self.key else None
        if not job_id or self.redis.hget(self.key, "state") != b"busy":
            return None
        func = self.redis.hget(f"rq:job:{job_id.decode()}", "description") or b""
        return job_id.decode(), func.decode()

    def kill(self):
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(30)
        for group in self.groups:  # the orphaned scheduler processes of the killed workers
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass


class Watch:
    """Whether the worker has a database transaction open: a kill then lands mid-sweep."""

    def __init__(self, url):
        import psycopg

        self.database = url.rsplit("/", 1)[1]
        self.conn = psycopg.connect(url, autocommit=True)

    def in_transaction(self) -> bool:
        return bool(
            self.conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
                "AND xact_start IS NOT NULL",
                (self.database,),
            ).fetchone()[0]
        )


def _wait_for_job(worker, want, watch, patience: float):
    """The job the worker runs once it is of the wanted kind (a sweep: with its transaction open)."""
    waited = time.monotonic()
    while time.monotonic() - waited < patience:
        job = worker.current_job()
        if job and want in job[1] and (want != "sweep" or watch.in_transaction()):
            return job
        time.sleep(0.002)
    return None


def enqueue_sweeps(queues) -> None:
    for rule in scheduled_rules():
        queues["sweeps"].enqueue("jobs.alerts.sweep", rule, trigger="cron", **SWEEP_OPTIONS)
    queues["delivery"].enqueue("jobs.alerts.relay_outbox", job_timeout=120)


def _kill_one(worker, watch, rng, want, killed, started, patience) -> None:
    job = _wait_for_job(worker, want, watch, patience)
    if job is None or want not in job[1]:
        return
    if want == "sweep":
        time.sleep(rng.uniform(0, 0.02))  # inside the sweep's open transaction (_wait_for_job saw it)
    else:
        time.sleep(rng.uniform(0, 0.06))  # anywhere in the delivery: claim, send (50 ms), record
    if worker.current_job() != job:
        return  # it finished first: not a mid-job kill
    in_transaction = watch.in_transaction()
    worker.kill()
    killed.append(
        {
            "job": job[1].split("(")[0],
            "args": job[1][job[1].find("(") :][:60],
            "in_transaction": in_transaction,
            "at": round(time.monotonic() - started, 2),
        }
    )
    worker.start()


def idle(queues, worker) -> bool:
    return all(q.count == 0 for q in queues.values()) and worker.current_job() is None


def settle(queues, worker, timeout: float = 300) -> None:
    """Idle for a whole second: a job just dequeued is not yet marked busy for a moment."""
    deadline = time.monotonic() + timeout
    calm = 0
    while calm < 10 and time.monotonic() < deadline:
        calm = calm + 1 if idle(queues, worker) else 0
        time.sleep(0.1)


def run(world, kills: int = 20, seed: int = 11) -> dict:
    rng = random.Random(seed)
    url = world.clone("worker_kill")
    sink = Sink(delay=0.05)  # 50 ms per webhook: a kill can land while a message is on the wire
    endpoints = add_webhooks(url, sink.url)
    redis = Redis.from_url(world.redis.url)
    queues = {name: Queue(name, connection=redis) for name in ALL_QUEUES}
    log = world.instance("worker_kill") / "worker.log"
    worker = WorkerProcess(url, world.redis.url, world.instance("worker_kill"), log)
    worker.start()
    watch = Watch(url)
    started = time.monotonic()
    killed: list[dict] = []
    rounds = 0
    # Phase 1, half the kills: the cron's sweeps, each killed inside its transaction at most once
    # (RQ will not run a killed job again for 31 minutes); the rules killed have no finished run.
    enqueue_sweeps(queues)
    while len(killed) < kills // 2 and not idle(queues, worker):
        _kill_one(worker, watch, rng, "sweep", killed, started, patience=30)
    # Phase 2, the other half: the catch-up reruns the vanished sweeps, their deliveries go out,
    # and the worker is killed while it sends them.
    queues["sweeps"].enqueue("jobs.alerts.catch_up_sweeps", 0, job_timeout=120)
    while len(killed) < kills and time.monotonic() - started < 900:
        if idle(queues, worker):
            queues["delivery"].enqueue("jobs.alerts.relay_outbox", job_timeout=120)  # the cron's minute
            rounds += 1
        _kill_one(worker, watch, rng, "deliver", killed, started, patience=5)
    kill_phase = time.monotonic() - started

    # Recovery, as the schedule does it: the catch-up of vanished sweeps (grace 0 here instead of
    # 10 minutes, so the run does not wait for the clock) and the relay, until nothing is pending.
    settle(queues, worker)
    queues["sweeps"].enqueue("jobs.alerts.catch_up_sweeps", 0, job_timeout=120)
    settle(queues, worker)
    caught_up = query(url, "SELECT DISTINCT rule FROM sweep_run WHERE trigger = 'catchup' ORDER BY rule")
    for _ in range(30):
        queues["delivery"].enqueue("jobs.alerts.relay_outbox", job_timeout=120)
        settle(queues, worker, 120)
        if not query(url, "SELECT 1 FROM delivery WHERE state = 'pending'"):
            break
    worker.stop()
    recovered = time.monotonic() - started - kill_phase

    baseline = _baseline(world)
    return _compare(url, baseline, sink, killed, rounds, kill_phase, recovered, caught_up, endpoints, queues)


def _baseline(world) -> dict:
    """The same sweeps on a copy of the same data, once, without faults, deliveries sent inline."""
    url = world.clone("worker_kill_baseline")
    sink = Sink()
    add_webhooks(url, sink.url)
    subprocess.run(
        [sys.executable, "-c", "from pm_app.cli import cli; cli()", "sweep"],
        check=True,
        cwd=ROOT,
        env=__import__("services").app_env(
            DATABASE_URL=url, PM_APP_JOBS_MODE="sync", PM_APP_INSTANCE=world.instance("baseline"), SECRET_KEY="bench"
        ),
        stdout=subprocess.DEVNULL,
    )
    result = {"url": url}
    sink.close()
    return result


ALERTS = "SELECT dedup_key, state FROM alert"
DELIVERIES = (
    "SELECT a.dedup_key, r.audience, r.org_id, d.channel FROM delivery d JOIN alert a ON a.id = d.alert_id "
    "JOIN alert_recipient r ON r.id = d.recipient_id"
)


def _compare(url, baseline, sink, killed, rounds, kill_phase, recovered, caught_up, endpoints, queues) -> dict:
    expected, got = set(query(baseline["url"], ALERTS)), set(query(url, ALERTS))
    expected_d, got_d = Counter(query(baseline["url"], DELIVERIES)), Counter(query(url, DELIVERIES))
    states = dict(query(url, "SELECT state, count(*) FROM delivery WHERE channel = 'webhook' GROUP BY state"))
    received = sink.ids()
    sent_ids = {i for (i,) in query(url, "SELECT id FROM delivery WHERE channel = 'webhook' AND state = 'sent'")}
    stuck_ids = {i for (i,) in query(url, "SELECT id FROM delivery WHERE channel = 'webhook' AND state = 'sending'")}
    sink.close()
    from rq.registry import StartedJobRegistry

    # Read without RQ's cleanup: these are the killed jobs RQ has not noticed yet.
    abandoned = sum(q.connection.zcard(StartedJobRegistry(queue=q).key) for q in queues.values())
    return {
        "kills": len(killed),
        "kills_inside_a_sweep_transaction": sum(
            1 for k in killed if k["job"].endswith("sweep") and k["in_transaction"]
        ),
        "kills_by_job": dict(Counter(k["job"] for k in killed)),
        "relay_runs_enqueued": rounds,
        "kill_phase_s": round(kill_phase, 1),
        "recovery_s": round(recovered, 1),
        "sweeps_killed": sorted({k["args"].split("'")[1] for k in killed if k["job"].endswith("sweep")}),
        "catch_up_reran": [r for (r,) in caught_up],
        "alerts_expected": len(expected),
        "alerts_found": len(got),
        "alerts_lost": sorted(k for k, _ in expected - got)[:20],
        "alerts_extra": sorted(k for k, _ in got - expected)[:20],
        "deliveries_expected": sum(expected_d.values()),
        "deliveries_found": sum(got_d.values()),
        "deliveries_duplicated": sum(n - 1 for n in got_d.values() if n > 1),
        "deliveries_missing": sum((expected_d - got_d).values()),
        "webhook_endpoints": endpoints,
        "webhook_states": states,
        "webhooks_expected": sum(n for k, n in expected_d.items() if k[3] == "webhook"),
        "webhooks_received": len(received),
        "webhooks_received_twice": len(received) - len(set(received)),
        "sent_but_not_received": len(sent_ids - set(received)),
        "left_sending": len(stuck_ids),
        "left_sending_that_reached_the_sink": len(stuck_ids & set(received)),
        "rq_jobs_left_started_by_dead_workers": abandoned,
        "ok": (
            expected == got
            and {k["args"].split("'")[1] for k in killed if k["job"].endswith("sweep")} <= {r for (r,) in caught_up}
            and expected_d == got_d
            and len(received) == len(set(received))
            and not sent_ids - set(received)
            and not states.get("pending")
        ),
        "killed": killed,
    }
