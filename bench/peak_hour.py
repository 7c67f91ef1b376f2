"""Peak hour at city scale (issue 30): how many people one small server carries at the busiest hour.

    python -m pip install -e ".[bench]"
    python bench/peak_hour.py [--pg postgresql://postgres@127.0.0.1] [--database pm_h_peak]
        [--redis redis://127.0.0.1:6379/11] [--users 500,1000,1500,2000,2500,3000,3500,4000,5000]
        [--step-seconds 60] [--json bench/results/peak_hour.json]

The product is served as deployed (deploy/): gunicorn with gunicorn.conf.py (2 × cores + 1 sync
workers, behind a proxy: PM_APP_TRUSTED_PROXY_COUNT=1), the API cache and the limiter in Redis, an
RQ worker (`pm-app worker`), PostgreSQL on the same machine, on the city of `pm-app seed --scale
city`. The city is seeded once (timed) into the template database `<database>_seed`, with the
bench's accounts, and every run starts from a copy of it (CREATE DATABASE … TEMPLATE), so the writes
of one run never meet the next's.

locust (bench/peak/locustfile.py, headless, on the loopback) plays each role's journeys with 5–15 s
of thought between clicks, one step of load at a time: N simulated people for --step-seconds, the
first --warmup seconds not counted. Stepping stops at the first step whose p95 is over 300 ms or
that has an error. /healthz is measured under the same gunicorn before and after the steps. Then
every acknowledged write is looked for in the database (bench/peak/check.py). It prints the steps,
one table of targets (figure, goal, holds) and writes JSON; exit status 0 when every target holds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psutil
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent / "peak"))

import cpu_profile  # noqa: E402
from check import check_writes  # noqa: E402
from costs import weigh  # noqa: E402
from cpu_profile import CpuSplit, children  # noqa: E402
from plan import PREFIX, build, make_accounts  # noqa: E402
from report import costs_table, holds, mix_cost_of, step_figures, steps_table, table, targets  # noqa: E402
from services import free_port, wait_for  # noqa: E402
from throughput import Target, run_load  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = ROOT / "bench" / "peak" / "locustfile.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1", help="the PostgreSQL server, no database")
    parser.add_argument("--database", default="pm_h_peak")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11", help="a Redis database the run may empty")
    parser.add_argument("--users", default="250,500,1000,1500,2000,2500,3000,3500,4000,5000")
    parser.add_argument("--step-seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=15)
    parser.add_argument("--health-seconds", type=float, default=15)
    parser.add_argument(
        "--profile-users", type=int, help="py-spy the gunicorn workers during the step of this many people"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the run's database and logs (the template is always kept)"
    )
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "peak_hour.json"))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pm-peak-"))
    seed_seconds = prepare_template(args.pg, args.database + "_seed")
    url = fresh_copy(args.pg, args.database)
    flush_redis(args.redis)
    servers = Servers(url, args.redis, folder)
    try:
        servers.start()
        figures = measure(servers, url, args, folder)
    finally:
        servers.stop()
    figures["writes"] = check_writes(url, figures.pop("acknowledged"), figures["run"])
    figures["seed_seconds"] = seed_seconds
    figures["targets"] = targets(
        figures["steps"], figures["health_rps"], figures["writes"], seed_seconds, figures["mix_cost"]
    )
    if not args.keep:
        psql(args.pg, f"DROP DATABASE {args.database}")
    flush_redis(args.redis)
    if not args.keep:  # with --keep, gunicorn's access log and locust's stay for a look
        shutil.rmtree(folder, ignore_errors=True)
    print("\n" + costs_table(figures["costs"]))
    print("\n" + steps_table(figures["steps"]) + "\n\n" + table(figures["targets"]))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False, default=str))
    print(f"wrote {args.json}")
    return 0 if all(row["holds"] is not False for row in figures["targets"]) else 1


def psql(pg: str, sql: str) -> list[tuple]:
    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


def psql_rows(url: str, sql: str, *params) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


def app_env(url: str, redis_url: str, folder: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "peak-hour-bench",
        "PM_APP_INSTANCE": str(folder / "instance"),
        "PYTHONPATH": str(ROOT),
    }
    return env | {k: str(v) for k, v in extra.items()}


def pm_app(url: str, *command: str) -> float:
    started = time.perf_counter()
    env = app_env(url, "", Path(tempfile.gettempdir()))
    env.pop("REDIS_URL")  # the seed and the sweep run in this process, no queue
    subprocess.run([sys.executable, "-c", "from pm_app.cli import cli; cli()", *command], cwd=ROOT, check=True, env=env)
    return time.perf_counter() - started


def prepare_template(pg: str, template: str) -> float | None:
    """The seeded city, once: migrate, seed (timed), sweep, the bench's accounts, statistics. Its
    seed time is kept as the database's comment; None when it was seeded some other way."""
    url = f"{pg}/{template}"
    if not psql(pg, f"SELECT 1 FROM pg_database WHERE datname = '{template}'"):
        psql(pg, f"CREATE DATABASE {template}")
        pm_app(url, "db", "upgrade")
        seconds = pm_app(url, "seed", "--scale", "city")
        pm_app(url, "sweep")
        psql(pg, f"COMMENT ON DATABASE {template} IS 'seed_seconds={seconds:.0f}'")
    with psycopg.connect(url, autocommit=True) as conn:
        if not conn.execute('SELECT 1 FROM "user" WHERE username LIKE %s', (PREFIX + "%",)).fetchone():
            print(f"[peak] {make_accounts(url)} bench accounts made", flush=True)
            conn.execute("VACUUM ANALYZE")
    comment = psql(pg, f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{template}'")
    text = comment[0][0] or ""
    return float(text.split("=", 1)[1]) if text.startswith("seed_seconds=") else None


def fresh_copy(pg: str, database: str) -> str:
    psql(pg, f"DROP DATABASE IF EXISTS {database}")
    psql(pg, f"CREATE DATABASE {database} TEMPLATE {database}_seed")
    return f"{pg}/{database}"


def flush_redis(redis_url: str) -> None:
    from redis import Redis

    Redis.from_url(redis_url).flushdb()


class Servers:
    """gunicorn and one RQ worker, as deploy/systemd starts them."""

    def __init__(self, url: str, redis_url: str, folder: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        metrics = folder / "metrics"
        metrics.mkdir()
        self.env = app_env(
            url,
            redis_url,
            folder,
            PM_APP_BIND=f"127.0.0.1:{self.port}",
            PM_APP_TRUSTED_PROXY_COUNT=1,
            PROMETHEUS_MULTIPROC_DIR=metrics,
        )
        self.logs = folder
        self.processes: list[subprocess.Popen] = []

    def start(self) -> None:
        for name, command in (
            ("gunicorn", ["-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "pm_app:create_app()"]),
            ("worker", ["-c", "from pm_app.cli import cli; cli()", "worker"]),
        ):
            log = (self.logs / f"{name}.log").open("ab")
            self.processes.append(
                subprocess.Popen(
                    [sys.executable, *command],
                    cwd=ROOT,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        import urllib.request

        wait_for(lambda: urllib.request.urlopen(self.base + "/healthz", timeout=2).status == 200, 90, "gunicorn")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(40)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def worker_pids(self) -> list[int]:
        return children(self.processes[0].pid)[1:]

    def groups(self, locust_pid: int) -> dict:
        """The processes whose CPU the run reports, each found anew when read (workers restart)."""
        database = self.env["DATABASE_URL"].rsplit("/", 1)[1]
        return {
            "gunicorn": lambda: children(self.processes[0].pid),
            "rq worker": lambda: children(self.processes[1].pid),
            "postgresql (this database)": lambda: [
                pid
                for (pid,) in psql_rows(
                    self.env["DATABASE_URL"], "SELECT pid FROM pg_stat_activity WHERE datname = %s", database
                )
            ],
            "redis": lambda: [p.pid for p in psutil.process_iter(["name"]) if p.info["name"] == "redis-server"],
            "locust": lambda: children(locust_pid),
        }

    def worker_count(self) -> int:
        return sum(
            1
            for line in (self.logs / "gunicorn.log").read_text(errors="replace").splitlines()
            if "Booting worker" in line
        )


def measure(servers: Servers, url: str, args, folder: Path) -> dict:
    run = f"peak{int(time.time())}"
    plan_file = folder / "plan.json"
    plan = build(url, servers.base, plan_file)
    health = [run_load(servers.port, [Target("health", "/healthz")], 8, args.health_seconds).summary()]
    steps, acknowledged = (
        [],
        {"payments": [], "transitions": [], "reports": [], "tried_households": [], "tried_tickets": []},
    )
    examples: dict = {}
    for users in [int(u) for u in args.users.split(",")]:
        step = run_step(servers, plan_file, run, users, args, folder)
        writes = step.pop("writes")
        examples = step.pop("examples") | examples
        for kind in acknowledged:
            acknowledged[kind] += writes[kind]
        steps.append(step)
        print(steps_table(steps).splitlines()[-1], flush=True)
        if not holds(step):
            break
        used(plan, plan_file, writes)
    costs = weigh(servers.base, plan, examples, servers.groups(0))
    counts = Counter()
    for step in steps:
        counts.update({name: figures["n"] for name, figures in step["by_name"].items()})
    health.append(run_load(servers.port, [Target("health", "/healthz")], 8, args.health_seconds).summary())
    return {
        "costs": costs,
        "mix_cost": mix_cost_of(costs, counts),
        "run": run,
        "base": servers.base,
        "gunicorn_workers": servers.worker_count(),
        "cores": os.cpu_count(),
        "health": health,
        "health_rps": round(sum(h["rps"] for h in health) / len(health), 1),
        "steps": steps,
        "acknowledged": acknowledged,
        "accounts": len(plan["accounts"]),
    }


def run_step(servers: Servers, plan_file: Path, run: str, users: int, args, folder: Path) -> dict:
    """One step: `users` people for --step-seconds; the figures of the requests begun after the
    warm-up, the machine's load, and where its CPU went (py-spy on the workers with --profile-users)."""
    record = folder / f"step-{users}.json"
    env = {**os.environ, "PEAK_PLAN": str(plan_file), "PEAK_RECORD": str(record), "PEAK_RUN": run}
    options = f"--headless --only-summary --loglevel WARNING --exit-code-on-error 0 -u {users} -r {max(1, users // 5)}"
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--host", servers.base, *options.split()]
    started = time.time()
    locust = subprocess.Popen(
        [*command, "--run-time", f"{args.step_seconds:.0f}s"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(folder / "locust.log").open("ab"),
    )
    split = CpuSplit(servers.groups(locust.pid))
    try:
        time.sleep(args.warmup)
        split.start()
        profiled = users == args.profile_users
        spies = cpu_profile.record(servers.worker_pids(), args.step_seconds - args.warmup - 2) if profiled else []
        locust.wait()
    finally:
        if locust.poll() is None:
            locust.kill()
    cpu = split.stop(time.time() - started - args.warmup)
    load = os.getloadavg()
    kept = json.loads(record.read_text())
    figures = step_figures(kept["requests"], started + args.warmup, started + args.step_seconds)
    figures |= {"load_1min": round(load[0], 2), "load_5min": round(load[1], 2), "cores_used": cpu}
    if spies:
        figures["profile"] = cpu_profile.summarise(spies)
    return {"users": users, **figures, "writes": kept["writes"], "examples": kept.get("examples", {})}


def used(plan: dict, plan_file: Path, writes: dict) -> None:
    """The next step starts where this one left off: a household taken (paid, or cut off mid-way)
    is not offered again; a ticket goes on from the step it reached, unless a move of it was cut off
    (the product may have made it: its state is no longer known to the script)."""
    taken = set(writes["tried_households"])
    reached = {moved["ticket_id"]: moved["to"] for moved in writes["transitions"]}
    lost = {
        t
        for t in writes["tried_tickets"]
        if writes["tried_tickets"].count(t) > sum(1 for m in writes["transitions"] if m["ticket_id"] == t)
    }
    for account in plan["accounts"]:
        if "households" in account:
            account["households"] = [h for h in account["households"] if h["id"] not in taken]
        if "tickets" in account:
            account["tickets"] = [
                {"id": t["id"], "status": reached.get(t["id"], t["status"])}
                for t in account["tickets"]
                if t["id"] not in lost and reached.get(t["id"], t["status"]) != "resolved"
            ]
    plan_file.write_text(json.dumps(plan))


if __name__ == "__main__":
    sys.exit(main())
