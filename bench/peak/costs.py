"""What each read of the peak hour costs the machine, one request at a time: the CPU of the gunicorn
workers and of PostgreSQL's backends for the run's database per request, read from /proc around a
few sequential requests. CPU seconds do not queue, so on a shared machine they say what the
product needs where latencies say only what it got; the mix's mean, weighted by how often the run
asked for each read, gives the rate two free cores could carry."""

from __future__ import annotations

import time
from functools import partial

import requests
from cpu_profile import CpuSplit
from plan import USER_AGENT

RUNS = 10


def weigh(base: str, plan: dict, examples: dict, groups: dict, runs: int = RUNS) -> dict:
    """name → {cpu_ms: app, pg, total; wall_ms}, each the mean of `runs` requests after one warm-up."""
    accounts = {a["username"]: a for a in plan["accounts"]}
    split = CpuSplit({name: groups[name] for name in ("gunicorn", "postgresql (this database)")})
    costs = {}
    for name, example in sorted(examples.items()):
        session = requests.Session()
        session.headers["User-Agent"] = USER_AGENT
        account = accounts.get(example["username"])
        if account is None:  # a resident, from an address of its own (a session is kept to its address)
            session.headers["X-Forwarded-For"] = "10.200.0.1"
        if account and example["api"]:
            session.headers["Authorization"] = f"Bearer {account['token']}"
        elif account:
            session.cookies.update(account["cookies"])
        get = partial(session.get, base + example["path"], allow_redirects=False, timeout=60)
        if get().status_code != 200:
            costs[name] = {"status": get().status_code}
            continue
        split.start()
        started = time.perf_counter()
        for _ in range(runs):
            get()
        wall = time.perf_counter() - started
        used = split.stop(None)
        app, pg = used["gunicorn"], used["postgresql (this database)"]
        costs[name] = {
            "cpu_ms": round((app + pg) / runs * 1000, 1),
            "app_ms": round(app / runs * 1000, 1),
            "pg_ms": round(pg / runs * 1000, 1),
            "wall_ms": round(wall / runs * 1000, 1),
        }
    return costs
